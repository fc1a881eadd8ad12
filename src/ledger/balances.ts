// Balances from the wallet ledger: three sums in the database, the rules in balance-rules.ts.
import type { Db } from '../db/client.ts'
import { balanceFrom, releaseCutoff, type Balance, type LedgerRules } from './balance-rules.ts'

export interface BalanceQuery {
  /** One partner's balance; omitted: everyone's. */
  partnerId?: number
  now?: Date
}

export async function ledgerBalance(db: Db, rules: LedgerRules, query: BalanceQuery = {}): Promise<Balance> {
  const now = query.now ?? new Date()
  const partner = query.partnerId === undefined ? {} : { partnerId: query.partnerId }
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

export function ledgerRulesOf(config: { payoutReservePct: number; payoutReleaseDays: number }): LedgerRules {
  return { reservePct: config.payoutReservePct, releaseDays: config.payoutReleaseDays }
}
