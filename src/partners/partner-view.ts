// A partner as ops see it: identity, balance (ledger rules), 7-day clicks,
// recent clicks and conversions, payouts and flags.
import type { Queryable } from '../db/queries/access.ts'
import { assignmentsByStatus } from '../db/queries/analytics/assignmentsByStatus.ts'
import { partnerClicksSince } from '../db/queries/analytics/partnerClicksSince.ts'
import { recentEventsOf } from '../db/queries/metric-events.ts'
import { offerNames } from '../db/queries/offers.ts'
import { firstPartnerIds, partnerById, partnersByIds, searchPartnerIds } from '../db/queries/partners.ts'
import { openPayoutsCents, payoutsOfPartner } from '../db/queries/payouts.ts'
import type { LedgerRules } from '../ledger/balance-rules.ts'
import { ledgerBalance, ledgerBalances } from '../ledger/balances.ts'
import { recentConversionsOf } from '../ledger/entries.ts'
import { activeHoldOf, activeHoldsOf, flagsOf } from '../holds/holds.ts'
import { NotFound } from '../errors.ts'
import { daysAgo } from '../time.ts'

export async function partnerView(db: Queryable, rules: LedgerRules, partnerId: number, now = new Date()) {
  const partner = await partnerById(db, partnerId)
  if (!partner) throw new NotFound(`partenaire #${partnerId} introuvable`)
  const [balance, clicks7d, recentClicks, conversions, payouts, flags, assignments, openCents] = await Promise.all([
    ledgerBalance(db, rules, { partnerId, now }),
    partnerClicksSince(db, partnerId, daysAgo(now, 7)),
    recentEventsOf(db, partnerId, 20),
    recentConversionsOf(db, partnerId, 20),
    payoutsOfPartner(db, partnerId, 20),
    flagsOf(db, partnerId),
    assignmentsByStatus(db, { partnerId }),
    openPayoutsCents(db, partnerId),
  ])
  // Click events keep the offer's id, not a foreign key (schema): its name is looked up.
  const offerIds = [...new Set(recentClicks.flatMap((c) => (c.offerId === null ? [] : [c.offerId])))]
  const offers = new Map((await offerNames(db, offerIds)).map((o) => [o.id, o]))
  const clicks = recentClicks.map((c) => ({ ...c, offer: c.offerId === null ? null : (offers.get(c.offerId) ?? null) }))
  const activeHold = flags.find((f) => f.flag === 'hold' && f.clearedAt === null) ?? null
  return {
    partner,
    balance,
    clicks7d,
    clicks,
    conversions,
    payouts,
    flags,
    activeHold,
    assignments: Object.fromEntries(assignments) as Record<string, number>,
    openPayoutsCents: openCents,
  }
}

/** A partner's balance and hold (the admin API's answer). */
export async function partnerBalance(db: Queryable, rules: LedgerRules, partnerId: number, now = new Date()) {
  if (!(await partnerById(db, partnerId))) throw new NotFound(`partenaire #${partnerId} introuvable`)
  const [balance, hold] = await Promise.all([ledgerBalance(db, rules, { partnerId, now }), activeHoldOf(db, partnerId)])
  return { partnerId, ...balance, onHold: hold !== null, hold }
}

/** Partners whose name or e-mail contains `q` (any case), or whose id is `q`; with balance and hold. */
export async function searchPartners(db: Queryable, rules: LedgerRules, q: string, take = 100, now = new Date()) {
  const term = q.trim().toLowerCase()
  const id = /^\d{1,9}$/.test(term) ? Number(term) : null
  const ids = term === '' ? await firstPartnerIds(db, take) : await searchPartnerIds(db, term, id, take)
  const [partners, balances, holds] = await Promise.all([
    partnersByIds(db, ids),
    ledgerBalances(db, rules, ids, now),
    activeHoldsOf(db, ids),
  ])
  return partners.map((p) => ({ ...p, balance: balances.get(p.id)!, hold: holds.get(p.id)?.reason ?? null }))
}
