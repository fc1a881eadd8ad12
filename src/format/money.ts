// French display of amounts and counts, one style everywhere (pages, charts,
// flash messages): "€ 1 234,50", EPC with 3 decimals "€ 0,125". Storage and sums
// stay integer cents; rounding happens here, at display, and nowhere else.

/** Groups of three digits are separated by a no-break space, so "€ 1 234,50" never wraps. */
export const GROUP_SEPARATOR = '\u00a0'

function groupDigits(digits: string): string {
  return digits.replace(/\B(?=(\d{3})+(?!\d))/g, GROUP_SEPARATOR)
}

/** 123450 → "€ 1 234,50"; −700 → "−€ 7,00". */
export function formatCents(cents: number): string {
  if (!Number.isFinite(cents)) return '€ –'
  const sign = cents < 0 ? '−' : ''
  const abs = Math.abs(Math.round(cents))
  const euros = Math.floor(abs / 100)
  const rest = String(abs % 100).padStart(2, '0')
  return `${sign}€${GROUP_SEPARATOR}${groupDigits(String(euros))},${rest}`
}

/** An amount already in EUR (the summary's numbers), shown with `decimals` decimals (2, or 3 for EPC). */
export function formatEur(eur: number, decimals = 2): string {
  if (!Number.isFinite(eur)) return '€ –'
  const sign = eur < 0 ? '−' : ''
  const [int, frac] = Math.abs(eur).toFixed(decimals).split('.')
  return `${sign}€${GROUP_SEPARATOR}${groupDigits(int!)}${frac ? `,${frac}` : ''}`
}

/** EPC: euros per click, 3 decimals as in the sketch. */
export function formatEpc(eur: number): string {
  return formatEur(eur, 3)
}

/** 12345 → "12 345". */
export function formatCount(n: number): string {
  if (!Number.isFinite(n)) return '–'
  const sign = n < 0 ? '−' : ''
  return sign + groupDigits(String(Math.abs(Math.trunc(n))))
}

/**
 * "12,50", "12.50", "1 234,5", "€ 12" → 1250 cents, exactly (no float maths).
 * Returns null for anything else, negative amounts included.
 */
export function parseEurToCents(input: string): number | null {
  const cleaned = input.replace(/[€\s\u00a0\u202f]/g, '')
  const m = /^(\d{1,9})(?:[.,](\d{1,2}))?$/.exec(cleaned)
  if (!m) return null
  return Number(m[1]) * 100 + Number((m[2] ?? '').padEnd(2, '0'))
}

/**
 * What a network sent, in its currency, written the French way: "15.50" EUR →
 * "€ 15,50", "1234.5" USD → "1 234,50 USD". The stored text is exact; only its
 * punctuation changes. Anything unexpected is shown as stored.
 */
export function formatOriginalAmount(amount: string | null | undefined, currency: string | null | undefined): string {
  if (!amount) return ''
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(amount.trim())
  if (!m) return `${amount} ${currency ?? ''}`.trim()
  const [, minus, int, frac = ''] = m
  const number = `${minus ? '−' : ''}${groupDigits(int!)},${frac.padEnd(2, '0')}`
  if (!currency || currency === 'EUR') return minus ? `−€${GROUP_SEPARATOR}${number.slice(1)}` : `€${GROUP_SEPARATOR}${number}`
  return `${number}${GROUP_SEPARATOR}${currency}`
}
