// The partner's own sub-ids in figures: a partner's clicks (or everyone's) over
// UTC days, by s1 (or another of s1…s5), most clicks first, clicks without the
// sub-id last. Read from the raw events (no rollup by a value the partner
// chooses): exact for days within click retention, empty for older ones. For the
// portal (/p) and the reports.
import type { Database } from '../db/client.ts'
import { clicksBySubid as clicksBySubidQuery, type SubidClicks } from '../db/queries/analytics/clicksBySubid.ts'
import { DAY_MS, dayStart } from '../time.ts'
import type { SubidKey } from './partner-subids.ts'

export type { SubidClicks }

export interface SubidClicksQuery {
  /** null: every partner's clicks. */
  partnerId: number | null
  /** First UTC day (its midnight or any instant of it). */
  from: Date
  /** Last UTC day, included. */
  to: Date
  /** Which of the partner's sub-ids: s1 unless told. */
  key?: SubidKey
}

export async function clicksBySubid(database: Pick<Database, 'prisma'>, query: SubidClicksQuery): Promise<SubidClicks[]> {
  const from = dayStart(query.from)
  const end = new Date(dayStart(query.to).getTime() + DAY_MS)
  if (end <= from) return []
  const rows = await clicksBySubidQuery(database, query.key ?? 's1', { from, to: end, partnerId: query.partnerId })
  return rows.sort(
    (a, b) => Number(a.subid === null) - Number(b.subid === null) || b.clicks - a.clicks || (a.subid ?? '').localeCompare(b.subid ?? ''),
  )
}
