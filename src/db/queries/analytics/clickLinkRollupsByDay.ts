// Click and bot events per UTC day over [fromDay, toDay), with their unique ones,
// from the per-link daily rollup: a few rows per day, whatever the volume, and
// exact for days whose raw events were pruned.
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'
import { dayFromDb } from './dayFromDb.ts'

export interface DayKindClicks {
  day: Date
  kind: string
  count: number
  uniqueCount: number
}

export async function clickLinkRollupsByDay(db: Queryable, fromDay: Date, toDay: Date): Promise<DayKindClicks[]> {
  const rows = await clientOf(db).$queryRaw<{ day: unknown; kind: string; n: unknown; u: unknown }[]>(
    sql`SELECT day, kind, CAST(SUM(count) AS BIGINT) AS n, CAST(SUM(unique_count) AS BIGINT) AS u
      FROM click_link_rollups WHERE day >= ${fromDay} AND day < ${toDay} GROUP BY day, kind`,
  )
  return rows.map((r) => ({ day: dayFromDb(r.day), kind: r.kind, count: toNumber(r.n), uniqueCount: toNumber(r.u) }))
}
