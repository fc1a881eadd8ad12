// Balances from the wallet ledger: three sums in the database, the rules in balance-rules.ts.
// A partner's sums come from its entries (index on partner, type, status); the
// global sums from the daily totals (ledger-daily.ts) plus the entries of the one
// partial day of the release period, so they cost the same at any ledger size.
// Every partner's at once, and what they owe in total: rollups.ts.
import type { Queryable } from '../db/queries/access.ts'
import { dailyTotal } from '../db/queries/ledger-daily.ts'
import { confirmedCentsCreatedWithin, partnerSums, sumsByPartner } from '../db/queries/wallet-entries.ts'
import { DAY_MS } from '../time.ts'
import { balanceFrom, releaseCutoff, type Balance, type LedgerRules } from './balance-rules.ts'

export interface BalanceQuery {
  /** One partner's balance; omitted: everyone's. */
  partnerId?: number
  now?: Date
}

/** The database, its client or a transaction's writer (payouts check the balance inside their transaction). */
export type LedgerReader = Queryable

export async function ledgerBalance(db: LedgerReader, rules: LedgerRules, query: BalanceQuery = {}): Promise<Balance> {
  const now = query.now ?? new Date()
  if (query.partnerId === undefined) return globalBalance(db, rules, now)
  return balanceFrom(await partnerSums(db, query.partnerId, releaseCutoff(now, rules.releaseDays)), rules)
}

async function globalBalance(db: LedgerReader, rules: LedgerRules, now: Date): Promise<Balance> {
  const cutoff = releaseCutoff(now, rules.releaseDays)
  // Entries created after the cutoff: whole days from the totals, the rest of the cutoff's day from the entries.
  const nextDay = new Date((Math.floor(cutoff.getTime() / DAY_MS) + 1) * DAY_MS)
  // Click earnings (CPC terms) are earnings like conversions: confirmed, reserved while recent.
  const [all, recentDays, clicksAll, clicksRecentDays, recentEdgeCents, paid] = await Promise.all([
    dailyTotal(db, 'conversion', 'confirmed'),
    dailyTotal(db, 'conversion', 'confirmed', nextDay),
    dailyTotal(db, 'click_earnings', 'confirmed'),
    dailyTotal(db, 'click_earnings', 'confirmed', nextDay),
    confirmedCentsCreatedWithin(db, cutoff, nextDay),
    dailyTotal(db, 'payout', 'paid'),
  ])
  return balanceFrom(
    {
      confirmedCents: all.cents + clicksAll.cents,
      recentConfirmedCents: recentDays.cents + clicksRecentDays.cents + recentEdgeCents,
      paidEntriesCents: paid.cents,
    },
    rules,
  )
}

/** The balances of several partners at once (one pass over their entries), by the same rules. */
export async function ledgerBalances(
  db: LedgerReader,
  rules: LedgerRules,
  partnerIds: readonly number[],
  now = new Date(),
): Promise<Map<number, Balance>> {
  const balances = new Map<number, Balance>()
  if (partnerIds.length === 0) return balances
  const ids = [...new Set(partnerIds)]
  const sums = await sumsByPartner(db, ids, releaseCutoff(now, rules.releaseDays))
  for (const id of ids)
    balances.set(id, balanceFrom(sums.get(id) ?? { confirmedCents: 0, recentConfirmedCents: 0, paidEntriesCents: 0 }, rules))
  return balances
}

export function ledgerRulesOf(config: { payoutReservePct: number; payoutReleaseDays: number }): LedgerRules {
  return { reservePct: config.payoutReservePct, releaseDays: config.payoutReleaseDays }
}
