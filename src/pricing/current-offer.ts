// The pricing service: the CPC ContentFlow currently offers its partners (the
// "Offre actuelle" card). The rule, configurable (PRICING_* in .env):
//
//   - while the last 7 days hold fewer than PRICING_MIN_CLICKS clicks, the EPC is
//     noise: offer the fixed bootstrap CPC (mode "bootstrap");
//   - otherwise offer PRICING_CPC_SHARE of the 7-day EPC, rounded half up to a
//     cent and clamped to [PRICING_CPC_FLOOR_CENTS, PRICING_CPC_CAP_CENTS]
//     (mode "epc_share"; `clamped` says when the floor or the cap applied).
//
// Pure: it is fed the 7-day figures the summary already has, so it adds no query.
import type { PricingConfig } from '../config.ts'

export interface OfferTerms {
  mode: string
  [key: string]: unknown
}

/** The sketch's shape: amounts in EUR. */
export interface Offer {
  headline_cpc: number
  epc_7d: number
  terms: OfferTerms
}

export interface OfferInput {
  clicks7d: number
  revenue7dCents: number
}

/** a/b rounded half up to `decimals` decimals of a euro, from cents, with integer maths. */
export function roundedEuros(cents: number, per: number, decimals: number): number {
  if (per === 0) return 0
  const scale = 10 ** decimals
  // (cents / 100 / per) × scale, rounded half up, exactly.
  const num = BigInt(cents) * BigInt(scale)
  const den = BigInt(per) * 100n
  const q = (2n * num + den) / (2n * den)
  return Number(q) / scale
}

export function currentOffer(input: OfferInput, rule: PricingConfig): Offer {
  const { clicks7d, revenue7dCents } = input
  if (!Number.isSafeInteger(clicks7d) || clicks7d < 0 || !Number.isSafeInteger(revenue7dCents) || revenue7dCents < 0) {
    throw new Error(`pricing: invalid 7-day figures (clicks ${clicks7d}, revenue ${revenue7dCents} cents)`)
  }
  if (rule.floorCents > rule.capCents) throw new Error('pricing: floor above cap')
  const epc7d = roundedEuros(revenue7dCents, clicks7d, 3)
  const common = {
    share: rule.cpcShare,
    floor_cpc: rule.floorCents / 100,
    cap_cpc: rule.capCents / 100,
    min_clicks: rule.minClicks,
    clicks_7d: clicks7d,
  }
  if (clicks7d < rule.minClicks) {
    return { headline_cpc: rule.bootstrapCpcCents / 100, epc_7d: epc7d, terms: { mode: 'bootstrap', ...common, clamped: null } }
  }
  const raw = Math.round((rule.cpcShare * revenue7dCents) / clicks7d)
  const cents = Math.min(rule.capCents, Math.max(rule.floorCents, raw))
  const clamped = raw < rule.floorCents ? 'floor' : raw > rule.capCents ? 'cap' : null
  return { headline_cpc: cents / 100, epc_7d: epc7d, terms: { mode: 'epc_share', ...common, clamped } }
}
