// Property tests of the amount parser (DESIGN.md "Amounts as networks write them"):
// every accepted spelling of a generated amount reads back to the same decimal and
// the same cents; every ambiguous spelling is refused without a declared separator
// and read right with one; a JSON number is read as the number the sender meant.
import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { parseAmount, type Decimal, type DecimalSeparator } from '../../src/postbacks/amount.ts'
import { convertToEur, MAX_CONVERSION_CENTS } from '../../src/postbacks/currency.ts'
import { isJsonNumber, readPostbackParams } from '../../src/postbacks/params.ts'

const RUNS = { numRuns: 500 }

/** How a network may write a number: its decimal separator and its thousands separator. */
interface Spelling {
  decimal: DecimalSeparator
  group: string | null
}
const SPELLINGS: Spelling[] = [
  { decimal: '.', group: null },
  { decimal: ',', group: null },
  { decimal: '.', group: ',' },
  { decimal: ',', group: '.' },
  ...[' ', '\u00a0', '\u2009', '\u202f'].flatMap((group) => [
    { decimal: ',' as const, group },
    { decimal: '.' as const, group },
  ]),
]

const digits = (max: number) => fc.array(fc.integer({ min: 0, max: 9 }), { maxLength: max }).map((d) => d.join(''))
const integerPart = fc.bigInt({ min: 0n, max: 999_999_999n }).map(String)
const minus = fc.constantFrom('-', '\u2212')
const glue = fc.constantFrom(null, 'EUR ', ' EUR', 'EUR', 'eur\u00a0')

function grouped(integer: string, group: string | null): string {
  if (group === null) return integer
  const groups: string[] = []
  for (let end = integer.length; end > 0; end -= 3) groups.unshift(integer.slice(Math.max(0, end - 3), end))
  return groups.join(group)
}

function spell(integer: string, fraction: string, s: Spelling): string {
  return fraction === '' ? grouped(integer, s.group) : `${grouped(integer, s.group)}${s.decimal}${fraction}`
}

function withCode(number: string, code: string | null): string {
  if (code === null) return number
  return code.startsWith(' ') || code === 'EUR' ? `${number}${code}` : `${code}${number}`
}

/** The declaration under which a spelling means what it was written to mean. */
function compatible(text: string, fraction: string, s: Spelling): DecimalSeparator | null {
  if (fraction !== '') return s.decimal
  if (s.group === '.' && text.includes('.')) return ','
  if (s.group === ',' && text.includes(',')) return '.'
  return null
}

/** DESIGN.md's definition of ambiguous, written independently of the parser: exactly one "." or ",", followed by exactly three digits. */
const AMBIGUOUS = /^[^.,]*[.,]\d{3}$/

/** Cents of a decimal written as integer and fraction digits, half up on the magnitude, by string arithmetic. */
function centsByHand(integer: string, fraction: string, negative: boolean): bigint {
  const padded = fraction.padEnd(3, '0')
  const magnitude = BigInt(integer) * 100n + BigInt(padded.slice(0, 2)) + (Number(padded[2]) >= 5 ? 1n : 0n)
  return negative ? -magnitude : magnitude
}

/** Equal as numbers, whatever the scale. */
function sameValue(a: Decimal, b: Decimal): boolean {
  const scale = Math.max(a.scale, b.scale)
  return a.units * 10n ** BigInt(scale - a.scale) === b.units * 10n ** BigInt(scale - b.scale)
}

describe('amounts (properties)', () => {
  it('every accepted spelling of an amount reads back to the same decimal and the same cents', () => {
    fc.assert(
      fc.property(
        integerPart,
        digits(8),
        fc.constantFrom(...SPELLINGS),
        fc.option(minus, { nil: null }),
        glue,
        (integer, fraction, spelling, sign, code) => {
          const number = spell(integer, fraction, spelling)
          const text = withCode(`${sign ?? ''}${number}`, code)
          const negative = sign !== null
          const expected: Decimal = { units: BigInt(`${integer}${fraction}`) * (negative ? -1n : 1n), scale: fraction.length }
          const currency = code === null ? null : 'EUR'

          const declared = parseAmount(text, { decimalSeparator: compatible(number, fraction, spelling) })
          expect(declared, text).toEqual({ ok: true, amount: expected, currency })

          const undeclared = parseAmount(text)
          if (AMBIGUOUS.test(number))
            expect(undeclared, text).toEqual({ ok: false, reason: expect.stringMatching(/^ambiguous amount/) as unknown })
          else expect(undeclared, text).toEqual({ ok: true, amount: expected, currency })

          const converted = convertToEur(expected, 'EUR', { EUR: '1' })
          const cents = centsByHand(integer, fraction, negative)
          if (cents > BigInt(MAX_CONVERSION_CENTS) || cents < -BigInt(MAX_CONVERSION_CENTS)) expect(converted.ok).toBe(false)
          else expect(converted).toMatchObject({ ok: true, money: { cents: Number(cents) } })
        },
      ),
      RUNS,
    )
  })

  it('an ambiguous spelling is always refused without a declared separator, and read right with one', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 999 }),
        fc.integer({ min: 0, max: 999 }),
        fc.constantFrom<DecimalSeparator>('.', ','),
        fc.option(minus, { nil: null }),
        glue,
        (lead, last, separator, sign, code) => {
          const three = String(last).padStart(3, '0')
          const text = withCode(`${sign ?? ''}${lead}${separator}${three}`, code)
          const signOf = sign === null ? 1n : -1n
          expect(parseAmount(text), text).toEqual({ ok: false, reason: expect.stringMatching(/^ambiguous amount/) as unknown })
          // Declared as the decimal separator: lead and three decimals.
          expect(parseAmount(text, { decimalSeparator: separator })).toMatchObject({
            ok: true,
            amount: { units: signOf * BigInt(`${lead}${three}`), scale: 3 },
          })
          // The other one declared: it only groups thousands.
          expect(parseAmount(text, { decimalSeparator: separator === '.' ? ',' : '.' })).toMatchObject({
            ok: true,
            amount: { units: signOf * BigInt(`${lead}${three}`), scale: 0 },
          })
        },
      ),
      RUNS,
    )
  })

  it('a declared separator only settles ambiguity: it never changes a reading that had one meaning', () => {
    const alphabet = fc.constantFrom('0', '1', '2', '3', '5', '9', '.', ',', ' ', '\u00a0', '-')
    fc.assert(
      fc.property(fc.string({ unit: alphabet, maxLength: 16 }), fc.constantFrom<DecimalSeparator>('.', ','), (text, declared) => {
        const undeclared = parseAmount(text)
        const withDeclared = parseAmount(text, { decimalSeparator: declared })
        if (undeclared.ok && withDeclared.ok) expect(withDeclared).toEqual(undeclared)
        if (undeclared.ok && undeclared.amount) expect(text.trim().replace(/^-/, '')).not.toMatch(AMBIGUOUS)
      }),
      { numRuns: 2000 },
    )
  })

  it('a JSON number is read as the decimal its sender wrote, even through float noise', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999_999 }), fc.integer({ min: 0, max: 99_999_999 }), (a, b) => {
        // What a sender computing in floats puts in its JSON: 0.1 + 0.2 is 0.30000000000000004.
        const sum = a / 100 + b / 100
        const read = readPostbackParams('', `{"amount": ${JSON.stringify(sum)}}`, 'json')
        const parsed = parseAmount(read.params.amount, { jsonNumber: isJsonNumber(read.params, 'amount'), decimalSeparator: ',' })
        expect(parsed.ok && parsed.amount && sameValue(parsed.amount, { units: BigInt(a + b), scale: 2 }), String(sum)).toBe(true)
      }),
      RUNS,
    )
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 9_999_999n }), digits(8), fc.boolean(), (integer, fraction, negative) => {
        // Up to 15 significant digits a double keeps every decimal: read exactly, "1.234" included.
        const literal = `${negative ? '-' : ''}${String(integer)}${fraction === '' ? '' : `.${fraction}`}`
        const read = readPostbackParams('', `{"amount": ${literal}}`, 'json')
        const parsed = parseAmount(read.params.amount, { jsonNumber: isJsonNumber(read.params, 'amount') })
        const expected = { units: BigInt(`${String(integer)}${fraction}`) * (negative ? -1n : 1n), scale: fraction.length }
        expect(parsed.ok && parsed.amount && sameValue(parsed.amount, expected), literal).toBe(true)
      }),
      RUNS,
    )
  })
})
