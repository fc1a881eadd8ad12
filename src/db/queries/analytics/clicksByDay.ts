// Click events (kind "click") per UTC day over [from, to), from the daily rollup:
// a few rows per day, whatever the volume. Days without clicks are absent.
import { clientOf, type Queryable } from '../access.ts'

export interface DayClicks {
  day: Date
  clicks: number
}

export async function clicksByDay(db: Queryable, from: Date, to: Date): Promise<DayClicks[]> {
  const rows = await clientOf(db).clickRollup.groupBy({
    by: ['day'],
    where: { kind: 'click', day: { gte: from, lt: to } },
    _sum: { count: true },
  })
  return rows.map((r) => ({ day: r.day, clicks: r._sum.count ?? 0 }))
}
