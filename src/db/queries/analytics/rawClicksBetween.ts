// Click events (kind "click") with from ≤ ts < to, counted from the raw events
// through the (kind, ts) index: only ever a part of one day.
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export async function rawClicksBetween(db: Queryable, from: Date, to: Date): Promise<number> {
  const rows = await clientOf(db).$queryRaw<{ n: unknown }[]>(
    sql`SELECT COUNT(*) AS n FROM metric_events WHERE kind = 'click' AND ts >= ${from} AND ts < ${to}`,
  )
  return toNumber(rows[0]?.n)
}
