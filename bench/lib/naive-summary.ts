// The sketch's queries, as written (admin-monitoring-spec.txt): a plain count or
// sum over the raw rows for every figure. The bench checks that the fast
// summary() gives exactly these numbers.
import type { Db } from '../../src/db/client.ts'

const DAY = 24 * 60 * 60 * 1000

export interface NaiveFigures {
  clicks_7d: number
  conv_7d: number
  rev_7d_cents: number
  partners_active: number
  postbacks_24h: number
  paid_cents: number
}

export async function naiveFigures(db: Db, now: Date): Promise<NaiveFigures> {
  const d7 = new Date(now.getTime() - 7 * DAY)
  const d1 = new Date(now.getTime() - DAY)
  const [clicks, conv, rev, active, pb24, paid] = await Promise.all([
    db.metricEvent.count({ where: { kind: 'click', ts: { gte: d7 } } }),
    db.walletEntry.count({ where: { type: 'conversion', status: 'confirmed', createdAt: { gte: d7 } } }),
    // rev_7d is what the networks pay: the revenue, or the amount where an entry stores none (revshare 100 %).
    db.$queryRaw<{ cents: bigint | number | null }[]>`
      SELECT SUM(coalesce(revenue_cents, amount_cents)) AS cents FROM wallet_entries
      WHERE type = 'conversion' AND status = 'confirmed' AND created_at >= ${d7}`,
    db.$queryRaw<
      { n: bigint | number }[]
    >`SELECT COUNT(DISTINCT partner_id) AS n FROM metric_events WHERE kind = 'click' AND ts >= ${d7} AND partner_id IS NOT NULL`,
    db.walletEntry.count({ where: { type: 'conversion', createdAt: { gte: d1 } } }),
    db.walletEntry.aggregate({ _sum: { amountCents: true }, where: { type: 'payout', status: 'paid' } }),
  ])
  return {
    clicks_7d: clicks,
    conv_7d: conv,
    rev_7d_cents: Number(rev[0]?.cents ?? 0),
    partners_active: Number(active[0]?.n ?? 0),
    postbacks_24h: pb24,
    paid_cents: Math.abs(Number(paid._sum.amountCents ?? 0)),
  }
}
