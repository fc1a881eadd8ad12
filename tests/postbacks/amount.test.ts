import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatDecimal, parseAmount, type DecimalSeparator } from '../../src/postbacks/amount.ts'
import { centsOf, convertToEur, currencyOf, MAX_CONVERSION_CENTS } from '../../src/postbacks/currency.ts'
import { compileFieldMap, isJsonNumber, readPostbackParams } from '../../src/postbacks/params.ts'

const rates = { EUR: '1', USD: '0.92', GBP: '1.17', JPY: '0.0062' }
const eur = (raw: string, currency = 'EUR', decimalSeparator: DecimalSeparator | null = null) => {
  const a = parseAmount(raw, { decimalSeparator })
  if (!a.ok || !a.amount) throw new Error(`not parsed: ${raw}`)
  const c = convertToEur(a.amount, currency, rates)
  if (!c.ok) throw new Error(c.reason)
  return c.money
}

describe('amounts', () => {
  it('reads dot and comma decimals exactly', () => {
    expect(eur('12.5').cents).toBe(1250)
    expect(eur('12.50').cents).toBe(1250)
    expect(eur('12,50').cents).toBe(1250)
    expect(eur('12,5').cents).toBe(1250)
    expect(eur('0.01').cents).toBe(1)
    expect(eur('.5').cents).toBe(50)
    expect(eur('7').cents).toBe(700)
    expect(eur(' 19.99 ').cents).toBe(1999)
    expect(eur('0').cents).toBe(0)
    expect(eur('12,50').originalAmount).toBe('12.50')
  })

  it('empty means "no amount" (a status update)', () => {
    expect(parseAmount(undefined)).toEqual({ ok: true, amount: null, currency: null })
    expect(parseAmount('')).toEqual({ ok: true, amount: null, currency: null })
    expect(parseAmount('  ')).toEqual({ ok: true, amount: null, currency: null })
    expect(parseAmount('', { jsonNumber: true, decimalSeparator: ',' })).toEqual({ ok: true, amount: null, currency: null })
  })

  it('reads a negative amount with its sign (a return), in either spelling', () => {
    expect(eur('-5').cents).toBe(-500)
    expect(eur('-0.01').cents).toBe(-1)
    expect(eur('-5,00')).toEqual({ cents: -500, originalAmount: '-5.00', currency: 'EUR', rate: '1' })
    expect(eur('\u22121.234,56').cents).toBe(-123456)
    expect(eur('-0.0050').cents).toBe(-1) // half a cent, away from zero: a return mirrors its sale
    expect(eur('-0.0049').cents).toBe(0)
  })

  it('reads thousands grouped by comma, dot or a space, and a glued currency code', () => {
    expect(eur('1,234.56').cents).toBe(123456)
    expect(eur('1.234,56').cents).toBe(123456)
    expect(eur('1 234,56').cents).toBe(123456)
    expect(eur('1\u00a0234,56').cents).toBe(123456)
    expect(eur('1\u2009234.56').cents).toBe(123456)
    expect(eur('234\u202f567,5').cents).toBe(23456750)
    expect(eur('1,234,567', 'JPY').cents).toBe(765432) // 7654.3154 EUR
    expect(eur('1.234.567', 'JPY').originalAmount).toBe('1234567')
    expect(eur('1.234.567,89', 'JPY').originalAmount).toBe('1234567.89')
    // DESIGN.md to the letter: one separator and exactly three digits is refused, even where a
    // grouping could not start ("1234", "0"): the network declares its separator instead.
    for (const raw of ['1234,567', '0,125', '1 234,567', '0.005']) {
      expect(parseAmount(raw)).toEqual({ ok: false, reason: expect.stringMatching(/^ambiguous amount/) as unknown })
    }
    expect(parseAmount('0,125', { decimalSeparator: ',' })).toMatchObject({ ok: true, amount: { units: 125n, scale: 3 } })
    expect(parseAmount('12.50 EUR')).toEqual({ ok: true, amount: { units: 1250n, scale: 2 }, currency: 'EUR' })
    expect(parseAmount('EUR 12.50')).toEqual({ ok: true, amount: { units: 1250n, scale: 2 }, currency: 'EUR' })
    expect(parseAmount('12,50usd')).toEqual({ ok: true, amount: { units: 1250n, scale: 2 }, currency: 'USD' })
    expect(parseAmount('-1 234,56 GBP')).toEqual({ ok: true, amount: { units: -123456n, scale: 2 }, currency: 'GBP' })
  })

  it('never guesses "1,234" or "1.234": refused unless the network declares its decimal separator', () => {
    for (const raw of ['1,234', '1.234', '-1.234', '999,999', '12.345 EUR', 'USD 100,000']) {
      const r = parseAmount(raw)
      expect(r.ok, raw).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(/^ambiguous amount/)
    }
    expect(eur('1,234', 'EUR', '.').cents).toBe(123400)
    expect(eur('1.234', 'EUR', '.').originalAmount).toBe('1.234')
    expect(eur('1.234', 'EUR', ',').cents).toBe(123400)
    expect(eur('1,234', 'EUR', ',').originalAmount).toBe('1.234')
    // The declared separator is the decimal one; the other only groups thousands by three.
    expect(eur('1,234.56', 'EUR', '.').cents).toBe(123456)
    expect(eur('1.234,56', 'EUR', ',').cents).toBe(123456)
    expect(eur('12.5', 'EUR', '.').cents).toBe(1250)
    expect(eur('12,5', 'EUR', ',').cents).toBe(1250)
    expect(eur('1 234,56', 'EUR', ',').cents).toBe(123456)
  })

  it('reads a JSON number as its shortest decimal form, never as text', () => {
    const json = (raw: string) => parseAmount(raw, { jsonNumber: true })
    expect(json(String(0.1 + 0.2))).toEqual({ ok: true, amount: { units: 3n, scale: 1 }, currency: null })
    expect(json(String(1.1 * 3))).toEqual({ ok: true, amount: { units: 33n, scale: 1 }, currency: null })
    // A JSON number has "." for decimal and no grouping: 1.234 is one and a quarter, whatever the network declares.
    expect(json('1.234')).toEqual({ ok: true, amount: { units: 1234n, scale: 3 }, currency: null })
    expect(parseAmount('1.234', { jsonNumber: true, decimalSeparator: ',' })).toEqual(json('1.234'))
    expect(parseAmount('12.5', { jsonNumber: true, decimalSeparator: ',' })).toEqual(json('12.5'))
    expect(json('-7.25')).toEqual({ ok: true, amount: { units: -725n, scale: 2 }, currency: null })
    expect(json(String(0.0000001))).toEqual({ ok: true, amount: { units: 1n, scale: 7 }, currency: null })
    expect(json('0.123456789')).toEqual({ ok: false, reason: expect.stringMatching(/more than 8 decimals/) as unknown })
    expect(json(String(1e21))).toEqual({ ok: false, reason: expect.stringMatching(/absurd/) as unknown })
    expect(json('true')).toEqual({ ok: false, reason: expect.stringMatching(/not a number/) as unknown })
  })

  it('an amount a field map reads in cents is ours to spell: read whatever separator the network declares', () => {
    const map = compileFieldMap({ amount: '/data/amount', amountUnit: 'cents' })
    const read = readPostbackParams('', '{"data": {"amount": 123456}}', 'json', map)
    const parsed = parseAmount(read.params.amount, { decimalSeparator: ',', jsonNumber: isJsonNumber(read.params, 'amount') })
    expect(parsed).toEqual({ ok: true, amount: { units: 123456n, scale: 2 }, currency: null })
  })

  it('refuses non-numeric, misplaced and absurd amounts with a reason', () => {
    const refused: [string, RegExp, DecimalSeparator?][] = [
      ['abc', /not a number/],
      ['NaN', /not a number/],
      ['Infinity', /not a number/],
      ['-Infinity', /not a number/],
      ['1e3', /exponent/],
      ['1.5E-2', /exponent/],
      ['$12', /currency symbol/],
      ['12.50 €', /currency symbol/],
      ['£ 5', /currency symbol/],
      ['12.5.1', /grouping/],
      ['1,23,456', /grouping/],
      ['12.345.6', /grouping/],
      ['1,234.5.6', /grouping/],
      ['1 234.567,89', /grouping/],
      ['+3', /not a number/],
      ['.', /not a number/],
      ['-', /not a number/],
      ['EUR', /not a number/],
      ['12 50', /grouping/],
      ['0x10', /not a number/],
      ['1234567890', /absurd/],
      ['1.123456789', /decimals/],
      ['12,50', /declares "\." as its decimal separator/, '.'],
      ['1.234,56', /declares "\." as its decimal separator/, '.'],
      ['1234.5', /declares "," as its decimal separator/, ','],
      ['1,234,567', /appears more than once/, ','],
    ]
    for (const [raw, reason, decimalSeparator] of refused) {
      const r = parseAmount(raw, { decimalSeparator })
      expect(r.ok, raw).toBe(false)
      if (!r.ok) expect(r.reason, raw).toMatch(reason)
    }
    const big = parseAmount('1000000.01')
    expect(big.ok && big.amount && convertToEur(big.amount, 'EUR', rates)).toEqual({
      ok: false,
      reason: expect.stringMatching(/absurd/) as unknown,
    })
    const bigReturn = parseAmount('-1000000.01')
    expect(bigReturn.ok && bigReturn.amount && convertToEur(bigReturn.amount, 'EUR', rates)).toMatchObject({ ok: false })
    expect(MAX_CONVERSION_CENTS).toBe(100_000_000)
  })

  it('a code glued to the amount must agree with the currency parameter', () => {
    expect(currencyOf('EUR', undefined, 'USD')).toEqual({ ok: true, currency: 'EUR' })
    expect(currencyOf('EUR', ' eur ', 'USD')).toEqual({ ok: true, currency: 'EUR' })
    expect(currencyOf('EUR', 'USD', 'EUR')).toEqual({ ok: false, reason: 'amount is in EUR but currency says USD' })
    expect(currencyOf(null, 'gbp', 'EUR')).toEqual({ ok: true, currency: 'gbp' })
    expect(currencyOf(null, '  ', 'EUR')).toEqual({ ok: true, currency: 'EUR' })
  })

  it('converts with the configured rate, rounding half up to the cent', () => {
    expect(eur('12.50', 'USD')).toEqual({ cents: 1150, originalAmount: '12.50', currency: 'USD', rate: '0.92' })
    expect(eur('0.01', 'USD').cents).toBe(1) // 0.92 cent → 1
    expect(eur('0.0050', 'EUR').cents).toBe(1) // exactly half a cent → up
    expect(eur('0.0049', 'EUR').cents).toBe(0)
    expect(eur('10', 'GBP').cents).toBe(1170)
    expect(eur('1500', 'JPY').cents).toBe(930)
    expect(eur('12.5', 'usd').currency).toBe('USD')
  })

  it('refuses an unknown or malformed currency, never guesses', () => {
    const a = parseAmount('10')
    if (!a.ok || !a.amount) throw new Error()
    expect(convertToEur(a.amount, 'CHF', rates)).toEqual({ ok: false, reason: 'unknown currency CHF (no rate in FX_RATES)' })
    expect(convertToEur(a.amount, 'euro', rates)).toEqual({ ok: false, reason: expect.stringMatching(/malformed currency/) as unknown })
  })

  it('integer maths agree with exact rational maths (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 99_999_999 }),
        fc.integer({ min: 0, max: 4 }),
        fc.integer({ min: 1, max: 99_999 }),
        fc.integer({ min: 0, max: 5 }),
        (units, scale, rateUnits, rateScale) => {
          const cents = centsOf({ units: BigInt(units), scale }, { units: BigInt(rateUnits), scale: rateScale })
          // value in cents = units * rateUnits * 100 / 10^(scale+rateScale); half up
          const num = BigInt(units) * BigInt(rateUnits) * 100n
          const den = 10n ** BigInt(scale + rateScale)
          const floor = num / den
          const rem = num - floor * den
          expect(cents).toBe(rem * 2n >= den ? floor + 1n : floor)
        },
      ),
    )
  })

  it('never throws, and a parsed amount prints back to the same decimal (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.constantFrom(null, '.', ','), (s, decimalSeparator: DecimalSeparator | null) => {
        const r = parseAmount(s, { decimalSeparator })
        if (r.ok && r.amount) expect(parseAmount(formatDecimal(r.amount), { jsonNumber: true }).ok).toBe(true)
        if (r.ok && r.amount && r.amount.scale !== 3) expect(parseAmount(formatDecimal(r.amount))).toMatchObject({ amount: r.amount })
      }),
    )
  })
})
