// Balances from the wallet ledger: three sums in the database, the rules in balance-rules.ts.
// A partner's sums come from its entries (index on partner, type, status); the
// global sums from the daily totals (ledger-daily.ts) plus the entries of the one
// partial day of the release period, so they cost the same at any ledger size.
import type { Db, Prisma } from '../db/client.ts'
import { balanceFrom, releaseCutoff, type Balance, type LedgerRules } from './balance-rules.ts'
import { dailyTotal } from './ledger-daily.ts'
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export interface BalanceQuery {
  /** One partner's balance; omitted: everyone's. */
  partnerId?: number
  now?: Date
}

/** The client or a transaction's client (payouts check the balance inside their transaction). */
export type LedgerReader = Db | Prisma.TransactionClient

export async function ledgerBalance(db: LedgerReader, rules: LedgerRules, query: BalanceQuery = {}): Promise<Balance> {
  const now = query.now ?? new Date()
  if (query.partnerId === undefined) return globalBalance(db, rules, now)
  const partner = { partnerId: query.partnerId }
  const confirmed = { ...partner, type: 'conversion', status: 'confirmed' }
  const [all, recent, paid] = await Promise.all([
    db.walletEntry.aggregate({ _sum: { amountCents: true }, where: confirmed }),
    db.walletEntry.aggregate({
      _sum: { amountCents: true },
      where: { ...confirmed, createdAt: { gt: releaseCutoff(now, rules.releaseDays) } },
    }),
    db.walletEntry.aggregate({ _sum: { amountCents: true }, where: { ...partner, type: 'payout', status: 'paid' } }),
  ])
  return balanceFrom(
    {
      confirmedCents: Number(all._sum.amountCents ?? 0),
      recentConfirmedCents: Number(recent._sum.amountCents ?? 0),
      paidEntriesCents: Number(paid._sum.amountCents ?? 0),
    },
    rules,
  )
}

async function globalBalance(db: LedgerReader, rules: LedgerRules, now: Date): Promise<Balance> {
  const cutoff = releaseCutoff(now, rules.releaseDays)
  // Entries created after the cutoff: whole days from the totals, the rest of the cutoff's day from the entries.
  const nextDay = new Date((Math.floor(cutoff.getTime() / DAY_MS) + 1) * DAY_MS)
  const [all, recentDays, recentEdge, paid] = await Promise.all([
    dailyTotal(db, 'conversion', 'confirmed'),
    dailyTotal(db, 'conversion', 'confirmed', nextDay),
    db.walletEntry.aggregate({
      _sum: { amountCents: true },
      where: { type: 'conversion', status: 'confirmed', createdAt: { gt: cutoff, lt: nextDay } },
    }),
    dailyTotal(db, 'payout', 'paid'),
  ])
  return balanceFrom(
    {
      confirmedCents: all.cents,
      recentConfirmedCents: recentDays.cents + Number(recentEdge._sum.amountCents ?? 0),
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
  const cutoff = releaseCutoff(now, rules.releaseDays)
  const rows = await db.$queryRaw<{ partner_id: unknown; confirmed: unknown; recent: unknown; paid: unknown }[]>`
    SELECT partner_id,
      SUM(CASE WHEN type = 'conversion' THEN amount_cents ELSE 0 END) AS confirmed,
      SUM(CASE WHEN type = 'conversion' AND created_at > ${cutoff} THEN amount_cents ELSE 0 END) AS recent,
      SUM(CASE WHEN type = 'payout' THEN amount_cents ELSE 0 END) AS paid
    FROM wallet_entries
    WHERE partner_id IN (${SqlTag.join(ids)})
      AND ((type = 'conversion' AND status = 'confirmed') OR (type = 'payout' AND status = 'paid'))
    GROUP BY partner_id`
  const sums = new Map(rows.map((r) => [Number(r.partner_id), r]))
  for (const id of ids) {
    const r = sums.get(id)
    balances.set(
      id,
      balanceFrom(
        { confirmedCents: Number(r?.confirmed ?? 0), recentConfirmedCents: Number(r?.recent ?? 0), paidEntriesCents: Number(r?.paid ?? 0) },
        rules,
      ),
    )
  }
  return balances
}

export function ledgerRulesOf(config: { payoutReservePct: number; payoutReleaseDays: number }): LedgerRules {
  return { reservePct: config.payoutReservePct, releaseDays: config.payoutReleaseDays }
}
