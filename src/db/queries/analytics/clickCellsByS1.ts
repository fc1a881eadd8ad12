// Click events (both kinds) with from ≤ ts < to by the partner's s1, with the
// unique ones, from the raw events through the (kind, ts) index: no rollup holds
// s1 (its values are the partners', unbounded in number), so the cost grows with
// the period's clicks, and days past click retention count nothing.
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface S1ClickCell {
  s1: string | null
  kind: string
  count: number
  uniqueCount: number
}

export async function clickCellsByS1(db: Queryable, from: Date, to: Date): Promise<S1ClickCell[]> {
  const rows = await clientOf(db).$queryRaw<{ s1: string | null; kind: string; n: unknown; u: unknown }[]>(sql`
    SELECT s1, kind, COUNT(*) AS n, SUM(CASE WHEN is_unique THEN 1 ELSE 0 END) AS u FROM metric_events
    WHERE kind IN ('click', 'bot') AND ts >= ${from} AND ts < ${to}
    GROUP BY s1, kind`)
  return rows.map((r) => ({ s1: r.s1, kind: r.kind, count: toNumber(r.n), uniqueCount: toNumber(r.u) }))
}
