// Conversion entries created with from ≤ created_at < to, by status and by the
// s1 of the click they came from (a conversion whose click is unknown or past
// click retention counts under no s1), with what the networks pay for them
// (revenue_cents; the amount for entries written without terms).
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface S1ConversionCell {
  s1: string | null
  status: string
  entries: number
  revenueCents: number
}

export async function conversionCellsByS1(db: Queryable, from: Date, to: Date): Promise<S1ConversionCell[]> {
  const rows = await clientOf(db).$queryRaw<{ s1: string | null; status: string; n: unknown; revenue: unknown }[]>(sql`
    SELECT m.s1 AS s1, w.status AS status, COUNT(*) AS n, CAST(SUM(COALESCE(w.revenue_cents, w.amount_cents)) AS BIGINT) AS revenue
    FROM wallet_entries w LEFT JOIN metric_events m ON m.click_id = w.click_id
    WHERE w.type = 'conversion' AND w.created_at >= ${from} AND w.created_at < ${to}
    GROUP BY m.s1, w.status`)
  return rows.map((r) => ({ s1: r.s1, status: r.status, entries: toNumber(r.n), revenueCents: toNumber(r.revenue) }))
}
