// Amounts as networks write them (DESIGN.md "Amounts as networks write them"):
// "12.5", "12,50", "1,234.56", "1.234,56", "1 234,56", "-5,00", "12.50 EUR", a
// JSON number, or empty on a status update. Read exactly into a signed integer
// and a scale: no float ever touches money.
//
// Never guessed: "1,234" or "1.234" (one separator, then exactly three digits,
// after a group that could lead a thousands grouping) reads as 1.234 or as 1234;
// it is refused unless the network declares its decimal separator. With a
// declared separator, that one is the decimal one and the other may only group
// thousands, in groups of three. Anything with a single valid reading is read.

/** value = units / 10^scale; units carries the sign. */
export interface Decimal {
  units: bigint
  scale: number
}

export const DECIMAL_SEPARATORS = ['.', ','] as const
export type DecimalSeparator = (typeof DECIMAL_SEPARATORS)[number]

/** A stored separator; anything but "." or "," (a hand edit) reads as undeclared, the safe side: ambiguous amounts refused. */
export function decimalSeparatorOf(stored: string | null): DecimalSeparator | null {
  return DECIMAL_SEPARATORS.find((s) => s === stored) ?? null
}

export interface AmountOptions {
  /** The network's declared decimal separator; without one, an ambiguous spelling is refused. */
  decimalSeparator?: DecimalSeparator | null
  /** The value was a JSON number: "." decimal, never grouped, never ambiguous. */
  jsonNumber?: boolean
}

/** `currency`: the code glued to the number ("12.50 EUR"), upper-cased; null when none. */
export type ParsedAmount = { ok: true; amount: Decimal | null; currency: string | null } | { ok: false; reason: string }

const MAX_INTEGER_DIGITS = 9
export const MAX_DECIMALS = 8
/** Significant digits a double carries faithfully (DBL_DIG): past them, a JSON number's digits are the float's, not the sender's. */
const JSON_SIGNIFICANT_DIGITS = 15

/** Thousands separators that are never a decimal one: space, no-break, thin and narrow no-break space. */
const GROUP_SPACE = /[ \u00a0\u2009\u202f]/g
const CODE_FIRST = /^([A-Za-z]{3})\s*(.*)$/su
const CODE_LAST = /^(.*?)\s*([A-Za-z]{3})$/su
const NOT_FINITE = /^[-+\u2212]?(?:nan|inf|infinity)$/i
const EXPONENT = /^[-+\u2212]?[\d.,]*\d[eE][-+]?\d+$/
const BODY = /^[\d., \u00a0\u2009\u202f]+$/
const DIGITS = /^\d+$/
const LEADING_GROUP = /^[1-9]\d{0,2}$/
const PLAIN = /^(\d+)(?:([.,])(\d*))?$/
const JSON_NUMBER = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/

const refuse = (reason: string): ParsedAmount => ({ ok: false, reason })

export function parseAmount(raw: string | undefined, options: AmountOptions = {}): ParsedAmount {
  const text = (raw ?? '').trim()
  if (text === '') return { ok: true, amount: null, currency: null }
  if (options.jsonNumber) return parseJsonNumber(text)
  // The common spelling ("12.50", "7,5", "100"), read without the full grammar when it has one reading.
  const plain = PLAIN.exec(text)
  if (plain) {
    const [, integer = '', separator, fraction = ''] = plain
    const declared = options.decimalSeparator ?? null
    const oneReading = separator === undefined || (declared === null ? fraction.length !== 3 : separator === declared)
    if (oneReading && fraction.length <= MAX_DECIMALS)
      return sized({ units: BigInt(`${integer}${fraction}`), scale: fraction.length }, text, null)
  }
  const shown = clip(text)
  if (NOT_FINITE.test(text)) return refuse(`amount "${shown}" is not a number`)
  if (/\p{Sc}/u.test(text)) return refuse(`amount "${shown}" has a currency symbol: send the 3-letter code (e.g. 12.50 EUR)`)
  let body = text
  let currency: string | null = null
  const first = CODE_FIRST.exec(text)
  const last = first ? null : CODE_LAST.exec(text)
  const glued = first ? { code: first[1]!, rest: first[2]! } : last ? { code: last[2]!, rest: last[1]! } : null
  if (glued) {
    if (glued.rest === '') return refuse(`amount "${shown}" is not a number (expected e.g. 12.50 or 12,50)`)
    currency = glued.code.toUpperCase()
    body = glued.rest
  }
  if (EXPONENT.test(body)) return refuse(`amount "${shown}" has an exponent (write the number in full, e.g. 1000)`)
  let negative = false
  if (body.startsWith('-') || body.startsWith('\u2212')) {
    negative = true
    body = body.slice(1)
  }
  if (!BODY.test(body)) return refuse(`amount "${shown}" is not a number (expected e.g. 12.50 or 12,50)`)
  const read = readNumber(body, options.decimalSeparator ?? null, shown)
  if (typeof read === 'string') return refuse(read)
  return sized({ units: negative ? -read.units : read.units, scale: read.scale }, shown, currency)
}

/** The digits of an unsigned number, or why it cannot be read. */
function readNumber(body: string, declared: DecimalSeparator | null, shown: string): Decimal | string {
  const notNumber = `amount "${shown}" is not a number (expected e.g. 12.50 or 12,50)`
  const hasSpace = body.search(GROUP_SPACE) !== -1
  const dots = count(body, '.')
  const commas = count(body, ',')
  let decimal: DecimalSeparator | null = null
  let grouping: DecimalSeparator | null = null
  // The one separator is not the declared one: it can only group thousands.
  let groupingByDeclaration = false
  if (dots > 0 && commas > 0) {
    // Both: the last one is the decimal separator, the other groups thousands.
    decimal = body.lastIndexOf('.') > body.lastIndexOf(',') ? '.' : ','
    grouping = decimal === '.' ? ',' : '.'
    if (count(body, decimal) > 1) return `amount "${shown}": mixed or misplaced grouping`
    if (declared !== null && decimal !== declared) return otherSeparator(shown, declared)
  } else if (dots + commas > 1) {
    // One kind, more than once: it can only group thousands.
    grouping = dots > 0 ? '.' : ','
    if (declared === grouping) return `amount "${shown}": the declared decimal separator "${declared}" appears more than once`
  } else if (dots + commas === 1) {
    const separator: DecimalSeparator = dots > 0 ? '.' : ','
    if (declared === null) {
      const after = body.split(separator)[1]!
      // DESIGN.md's rule, to the letter: one separator followed by exactly three digits
      // is refused whatever stands before it (0,125 and 1 234,567 included): a refusal
      // costs a retry, a wrong guess costs 1000×.
      if (after.length === 3)
        return `ambiguous amount "${shown}": "${separator}" followed by three digits may be a decimal or a thousands separator; declare the network's decimalSeparator ("." or ",")`
      decimal = separator
    } else if (separator === declared) {
      decimal = separator
    } else {
      grouping = separator
      groupingByDeclaration = true
    }
  }
  if (hasSpace && grouping !== null)
    return groupingByDeclaration && declared !== null ? otherSeparator(shown, declared) : `amount "${shown}": mixed or misplaced grouping`
  const [intText, fracText = ''] = decimal === null ? [body] : (body.split(decimal) as [string, string])
  if (fracText !== '' && !DIGITS.test(fracText)) return `amount "${shown}": mixed or misplaced grouping`
  if (intText === '' && fracText === '') return notNumber
  const groupedBy = hasSpace ? GROUP_SPACE : grouping
  let integer = intText
  if (groupedBy !== null && intText !== '') {
    const groups = intText.split(groupedBy)
    if (groups.length < 2 || !LEADING_GROUP.test(groups[0]!) || groups.slice(1).some((g) => g.length !== 3 || !DIGITS.test(g))) {
      return groupingByDeclaration && declared !== null ? otherSeparator(shown, declared) : `amount "${shown}": mixed or misplaced grouping`
    }
    integer = groups.join('')
  } else if (intText !== '' && !DIGITS.test(intText)) {
    return `amount "${shown}": mixed or misplaced grouping`
  }
  if (fracText.length > MAX_DECIMALS) return `amount "${shown}" has more than ${MAX_DECIMALS} decimals`
  return { units: BigInt(`${integer || '0'}${fracText}`), scale: fracText.length }
}

function otherSeparator(shown: string, declared: DecimalSeparator): string {
  const other = declared === '.' ? ',' : '.'
  return `amount "${shown}": the network declares "${declared}" as its decimal separator, so "${other}" may only separate thousands`
}

/**
 * A JSON number, as JSON.parse and String() give it back: the shortest decimal
 * that reads as the same double. Every decimal of up to 15 significant digits
 * comes back as written; past them, the digits are binary noise (0.1 + 0.2 is
 * 0.30000000000000004) and are rounded away: 0.30.
 */
function parseJsonNumber(text: string): ParsedAmount {
  const shown = clip(text)
  const m = JSON_NUMBER.exec(text)
  if (!m) return refuse(`amount ${shown} is not a number`)
  const [, sign, intPart = '', fracPart = '', exponentText = '0'] = m
  const exponent = Number(exponentText)
  if (Math.abs(exponent) > 400) return refuse(`absurd amount ${shown}`)
  let digits = `${intPart}${fracPart}`.replace(/^0+(?=\d)/, '')
  let scale = fracPart.length - exponent
  if (scale < 0) {
    digits += '0'.repeat(-scale)
    scale = 0
  }
  const significant = digits.replace(/^0+/, '').length
  if (significant > JSON_SIGNIFICANT_DIGITS) {
    const drop = Math.min(significant - JSON_SIGNIFICANT_DIGITS, scale)
    digits = roundHalfUp(BigInt(digits), drop).toString()
    scale -= drop
  }
  let units = BigInt(digits)
  while (scale > 0 && units % 10n === 0n) {
    units /= 10n
    scale--
  }
  if (scale > MAX_DECIMALS) return refuse(`amount ${shown} has more than ${MAX_DECIMALS} decimals`)
  return sized({ units: sign === '-' ? -units : units, scale }, shown, null)
}

const POW10 = Array.from({ length: MAX_DECIMALS + 1 }, (_, i) => 10n ** BigInt(i))
const INTEGER_LIMIT = 10n ** BigInt(MAX_INTEGER_DIGITS)

function sized(amount: Decimal, shown: string, currency: string | null): ParsedAmount {
  const magnitude = amount.units < 0n ? -amount.units : amount.units
  if (magnitude / (POW10[amount.scale] ?? 10n ** BigInt(amount.scale)) >= INTEGER_LIMIT) return refuse(`absurd amount "${clip(shown)}"`)
  return { ok: true, amount, currency }
}

/** n / 10^places, rounded half away from zero. */
export function roundHalfUp(n: bigint, places: number): bigint {
  if (places <= 0) return n
  const divisor = 10n ** BigInt(places)
  const magnitude = n < 0n ? -n : n
  const rounded = (magnitude * 2n + divisor) / (divisor * 2n)
  return n < 0n ? -rounded : rounded
}

/** A configured decimal such as an FX rate ("0.92", "1.175"): digits and "." only, no sign. */
export function parseDecimal(text: string): Decimal {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(text.trim())
  if (!m || `${m[1] ?? ''}${m[2] ?? ''}` === '') throw new Error(`not a decimal: ${text}`)
  const fraction = m[2] ?? ''
  return { units: BigInt(`${m[1] || '0'}${fraction}`), scale: fraction.length }
}

/** Canonical text of a decimal: "12.50" stays "12.50", "1.234,5" becomes "1234.5", "-5,00" "-5.00". */
export function formatDecimal(d: Decimal): string {
  const sign = d.units < 0n ? '-' : ''
  const magnitude = (d.units < 0n ? -d.units : d.units).toString()
  if (d.scale === 0) return `${sign}${magnitude}`
  const s = magnitude.padStart(d.scale + 1, '0')
  return `${sign}${s.slice(0, -d.scale)}.${s.slice(-d.scale)}`
}

function count(text: string, ch: string): number {
  let n = 0
  for (let i = text.indexOf(ch); i !== -1; i = text.indexOf(ch, i + 1)) n++
  return n
}

function clip(s: string): string {
  return s.length > 32 ? `${s.slice(0, 32)}…` : s
}
