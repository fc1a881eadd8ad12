// Clicks (kind "click") and unique clicks with from ≤ ts < to, by one of the
// partner's own sub-ids (s1…s5), from the raw events: there is no rollup by
// sub-id (its values are the partner's, unbounded in number), so only periods
// within click retention are exact. One partner's read goes through the
// (partner_id, ts) index; all partners' through (kind, ts).
import { raw, sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export type SubidColumn = 's1' | 's2' | 's3' | 's4' | 's5'

export interface SubidClicks {
  /** null: clicks that came without this sub-id. */
  subid: string | null
  clicks: number
  uniqueClicks: number
}

const COLUMNS: readonly SubidColumn[] = ['s1', 's2', 's3', 's4', 's5']

export async function clicksBySubid(
  db: Queryable,
  column: SubidColumn,
  period: { from: Date; to: Date; partnerId: number | null },
): Promise<SubidClicks[]> {
  if (!COLUMNS.includes(column)) throw new Error(`not a sub-id column: ${column as string}`)
  const col = raw(column)
  const partner = period.partnerId === null ? sql`` : sql`AND partner_id = ${period.partnerId}`
  const rows = await clientOf(db).$queryRaw<{ subid: string | null; n: unknown; u: unknown }[]>(sql`
    SELECT ${col} AS subid, COUNT(*) AS n, SUM(CASE WHEN is_unique THEN 1 ELSE 0 END) AS u FROM metric_events
    WHERE kind = 'click' AND ts >= ${period.from} AND ts < ${period.to} ${partner}
    GROUP BY ${col}`)
  return rows.map((r) => ({ subid: r.subid, clicks: toNumber(r.n), uniqueClicks: toNumber(r.u) }))
}
