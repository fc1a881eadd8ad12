import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatDecimal, parseAmount } from '../../src/postbacks/amount.ts'
import { centsOf, convertToEur, MAX_CONVERSION_CENTS } from '../../src/postbacks/currency.ts'

const rates = { EUR: '1', USD: '0.92', GBP: '1.17', JPY: '0.0062' }
const eur = (raw: string, currency = 'EUR') => {
  const a = parseAmount(raw)
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
    expect(parseAmount(undefined)).toEqual({ ok: true, amount: null })
    expect(parseAmount('')).toEqual({ ok: true, amount: null })
    expect(parseAmount('  ')).toEqual({ ok: true, amount: null })
  })

  it('refuses negative, non-numeric and absurd amounts with a reason', () => {
    const refused: [string, RegExp][] = [
      ['-5', /negative/],
      ['-0.01', /negative/],
      ['abc', /not a number/],
      ['NaN', /not a number/],
      ['Infinity', /not a number/],
      ['1e3', /not a number/],
      ['1,234.56', /not a number/],
      ['12.5.1', /not a number/],
      ['+3', /not a number/],
      ['.', /not a number/],
      ['12 50', /not a number/],
      ['0x10', /not a number/],
      ['1234567890', /absurd/],
      ['1.123456789', /decimals/],
    ]
    for (const [raw, reason] of refused) {
      const r = parseAmount(raw)
      expect(r.ok, raw).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(reason)
    }
    const big = parseAmount('1000000.01')
    expect(big.ok && big.amount && convertToEur(big.amount, 'EUR', rates)).toEqual({
      ok: false,
      reason: expect.stringMatching(/absurd/) as unknown,
    })
    expect(MAX_CONVERSION_CENTS).toBe(100_000_000)
  })

  it('converts with the configured rate, rounding half up to the cent', () => {
    expect(eur('12.50', 'USD')).toEqual({ cents: 1150, originalAmount: '12.50', currency: 'USD', rate: '0.92' })
    expect(eur('0.01', 'USD').cents).toBe(1) // 0.92 cent → 1
    expect(eur('0.005', 'EUR').cents).toBe(1) // exactly half a cent → up
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

  it('never throws, and a parsed amount prints back to the same number (property)', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseAmount(s)
        if (r.ok && r.amount) expect(Number(formatDecimal(r.amount))).toBeCloseTo(Number(s.trim().replace(',', '.')), 6)
      }),
    )
  })
})
