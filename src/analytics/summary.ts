// summary(): the figures of /admin/monitoring, exactly the sketch's keys,
// definitions and rounding (DESIGN.md "Metric definitions"): amounts in EUR
// rounded to 2 decimals, EPC to 3. Every figure is its own query, all run at once;
// none loads rows to count them, and the click figures read the daily rollup, so
// the cost does not grow with the number of click events.
import type { Config } from '../config.ts'
import type { Queryable } from '../db/queries/access.ts'
import { activeHolds } from '../db/queries/analytics/activeHolds.ts'
import { ledgerBalance, ledgerRulesOf } from '../ledger/balances.ts'
import { currentOffer, roundedEuros, type Offer } from '../pricing/current-offer.ts'
import { clicks7d } from './clicks7d.ts'
import { conversions7d } from './conversions7d.ts'
import { partnersActive7d } from './partners-active.ts'
import { assignmentsByStatus } from './pipeline.ts'
import { postbacks24h } from './security.ts'

export interface Summary {
  clicks_7d: number
  conv_7d: number
  rev_7d: number
  epc_7d: number
  available: number
  reserved: number
  paid: number
  pending: number
  approved: number
  posted: number
  failed: number
  holds: number
  postbacks_24h: number
  partners_active: number
  offer: Offer
}

export type SummaryConfig = Pick<Config, 'payoutReservePct' | 'payoutReleaseDays' | 'pricing'>

export interface SummaryOptions {
  now?: Date
  /** The pricing service (tests replace it to prove the fallback). */
  pricing?: typeof currentOffer
}

/** Cents to EUR with 2 decimals (exact: cents are integers). */
const eur = (cents: number) => cents / 100

export async function summary(db: Queryable, config: SummaryConfig, options: SummaryOptions = {}): Promise<Summary> {
  const now = options.now ?? new Date()
  const [clicks, conversions, balance, pipeline, holds, pb24h, partnersActive] = await Promise.all([
    clicks7d(db, now),
    conversions7d(db, now),
    ledgerBalance(db, ledgerRulesOf(config), { now }),
    assignmentsByStatus(db),
    activeHolds(db),
    postbacks24h(db, now),
    partnersActive7d(db, now),
  ])
  const epc7d = roundedEuros(conversions.cents, clicks, 3)
  let offer: Offer
  try {
    offer = (options.pricing ?? currentOffer)({ clicks7d: clicks, revenue7dCents: conversions.cents }, config.pricing)
  } catch {
    // The sketch's fallback, to the letter (its epc rounded to 2 there).
    offer = { headline_cpc: 0, epc_7d: roundedEuros(conversions.cents, clicks, 2), terms: { mode: 'unknown' } }
  }
  return {
    clicks_7d: clicks,
    conv_7d: conversions.count,
    rev_7d: eur(conversions.cents),
    epc_7d: epc7d,
    available: eur(balance.availableCents),
    reserved: eur(balance.reservedCents),
    paid: eur(balance.paidCents),
    pending: pipeline.pending,
    approved: pipeline.approved,
    posted: pipeline.posted,
    failed: pipeline.failed,
    holds,
    postbacks_24h: pb24h,
    partners_active: partnersActive,
    offer,
  }
}
