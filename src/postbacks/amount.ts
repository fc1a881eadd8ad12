// Amounts as networks send them: "12.5", "12.50", "12,50" (comma decimal), or
// empty on a status update. Parsed exactly into an integer and a scale (no float
// ever touches money); signs, exponents, thousands separators and absurd sizes
// are refused with a reason.

/** value = units / 10^scale, never negative. */
export interface Decimal {
  units: bigint
  scale: number
}

export type ParsedAmount = { ok: true; amount: Decimal | null } | { ok: false; reason: string }

const AMOUNT = /^(\d*)(?:[.,](\d*))?$/
const MAX_INTEGER_DIGITS = 9
const MAX_DECIMALS = 8

export function parseAmount(raw: string | undefined): ParsedAmount {
  const text = (raw ?? '').trim()
  if (text === '') return { ok: true, amount: null }
  if (text.startsWith('-')) return { ok: false, reason: `negative amount "${clip(text)}"` }
  const m = AMOUNT.exec(text)
  const intPart = m?.[1] ?? ''
  const fracPart = m?.[2] ?? ''
  if (!m || intPart + fracPart === '') return { ok: false, reason: `amount "${clip(text)}" is not a number (expected e.g. 12.50 or 12,50)` }
  const digits = intPart.replace(/^0+(?=\d)/, '')
  if (digits.length > MAX_INTEGER_DIGITS) return { ok: false, reason: `absurd amount "${clip(text)}"` }
  if (fracPart.length > MAX_DECIMALS) return { ok: false, reason: `amount "${clip(text)}" has more than ${MAX_DECIMALS} decimals` }
  return { ok: true, amount: { units: BigInt(`${digits || '0'}${fracPart}`), scale: fracPart.length } }
}

/** Parses a configured decimal such as an FX rate ("0.92"). */
export function parseDecimal(text: string): Decimal {
  const parsed = parseAmount(text)
  if (!parsed.ok || !parsed.amount) throw new Error(`not a decimal: ${text}`)
  return parsed.amount
}

/** Canonical text of a decimal: "12.50" stays "12.50", "12,5" becomes "12.5". */
export function formatDecimal(d: Decimal): string {
  if (d.scale === 0) return d.units.toString()
  const s = d.units.toString().padStart(d.scale + 1, '0')
  return `${s.slice(0, -d.scale)}.${s.slice(-d.scale)}`
}

function clip(s: string): string {
  return s.length > 32 ? `${s.slice(0, 32)}…` : s
}
