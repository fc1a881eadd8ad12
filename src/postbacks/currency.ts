// Conversion to EUR cents with the configured rate table (FX_RATES), exactly:
// amount × rate × 100 in integers, rounded half up to the cent (away from zero
// for a negative amount, so a return mirrors its sale), once. An unknown
// currency is refused, never guessed; the rate applied is kept on the entry.
import type { EurAmount } from '../ledger/plan.ts'
import { formatDecimal, parseDecimal, roundHalfUp, type Decimal } from './amount.ts'

/** Largest single conversion accepted: 1,000,000.00 EUR. Anything above is a bug or an attack. */
export const MAX_CONVERSION_CENTS = 100_000_000

export type { EurAmount }

export type Converted = { ok: true; money: EurAmount } | { ok: false; reason: string }

export function normaliseCurrency(raw: string | undefined): string | null {
  const c = (raw ?? '').trim().toUpperCase()
  return /^[A-Z]{3}$/.test(c) ? c : null
}

/**
 * The currency of a postback: the code glued to its amount ("12.50 EUR"), the
 * `currency` parameter, or the network's default. Glued and given must agree.
 */
export function currencyOf(
  glued: string | null,
  given: string | undefined,
  fallback: string,
): { ok: true; currency: string } | { ok: false; reason: string } {
  const text = given?.trim() ?? ''
  if (glued === null) return { ok: true, currency: text || fallback }
  if (text === '' || normaliseCurrency(text) === glued) return { ok: true, currency: glued }
  return { ok: false, reason: `amount is in ${glued} but currency says ${text.slice(0, 16)}` }
}

/** amount × rate in cents (the rate is non-negative), half up on the magnitude. */
export function centsOf(amount: Decimal, rate: Decimal): bigint {
  return roundHalfUp(amount.units * rate.units * 100n, amount.scale + rate.scale)
}

export function convertToEur(amount: Decimal, currencyRaw: string, rates: Record<string, string>): Converted {
  const currency = normaliseCurrency(currencyRaw)
  if (!currency) return { ok: false, reason: `malformed currency "${currencyRaw.slice(0, 16)}" (expected a 3-letter code)` }
  const rate = rates[currency]
  if (rate === undefined) return { ok: false, reason: `unknown currency ${currency} (no rate in FX_RATES)` }
  const cents = centsOf(amount, parseDecimal(rate))
  if (cents > BigInt(MAX_CONVERSION_CENTS) || cents < -BigInt(MAX_CONVERSION_CENTS))
    return { ok: false, reason: `absurd amount ${formatDecimal(amount)} ${currency}` }
  return { ok: true, money: { cents: Number(cents), originalAmount: formatDecimal(amount), currency, rate } }
}
