// Conversion to EUR cents with the configured rate table (FX_RATES), exactly:
// amount × rate × 100 in integers, rounded half up to the cent. An unknown
// currency is refused, never guessed; the rate applied is kept on the entry.
import type { EurAmount } from '../ledger/plan.ts'
import { formatDecimal, parseDecimal, type Decimal } from './amount.ts'

/** Largest single conversion accepted: 1,000,000.00 EUR. Anything above is a bug or an attack. */
export const MAX_CONVERSION_CENTS = 100_000_000

export type { EurAmount }

export type Converted = { ok: true; money: EurAmount } | { ok: false; reason: string }

export function normaliseCurrency(raw: string | undefined): string | null {
  const c = (raw ?? '').trim().toUpperCase()
  return /^[A-Z]{3}$/.test(c) ? c : null
}

/** amount × rate in cents, half up (both are non-negative). */
export function centsOf(amount: Decimal, rate: Decimal): bigint {
  const numerator = amount.units * rate.units * 100n
  const denominator = 10n ** BigInt(amount.scale + rate.scale)
  return (numerator * 2n + denominator) / (denominator * 2n)
}

export function convertToEur(amount: Decimal, currencyRaw: string, rates: Record<string, string>): Converted {
  const currency = normaliseCurrency(currencyRaw)
  if (!currency) return { ok: false, reason: `malformed currency "${currencyRaw.slice(0, 16)}" (expected a 3-letter code)` }
  const rate = rates[currency]
  if (rate === undefined) return { ok: false, reason: `unknown currency ${currency} (no rate in FX_RATES)` }
  const cents = centsOf(amount, parseDecimal(rate))
  if (cents > BigInt(MAX_CONVERSION_CENTS)) return { ok: false, reason: `absurd amount ${formatDecimal(amount)} ${currency}` }
  return { ok: true, money: { cents: Number(cents), originalAmount: formatDecimal(amount), currency, rate } }
}
