// The 30-day daily series behind the monitoring charts: clicks per UTC day from
// the click rollup, confirmed revenue per UTC day (conversions by their creation
// day, as rev_7d counts them) from the ledger's daily totals. Days without data
// are zeros. A few rows per day, whatever the volume.
import type { Queryable } from '../db/queries/access.ts'
import { clicksByDay } from '../db/queries/analytics/clicksByDay.ts'
import { dailyTotalsByDay } from '../ledger/ledger-daily.ts'
import { DAY_MS, dayStart } from '../time.ts'

export interface DayPoint {
  day: Date
  clicks: number
  conversions: number
  revenueCents: number
}

export async function dailySeries(db: Queryable, now: Date, days = 30): Promise<DayPoint[]> {
  const today = dayStart(now)
  const first = new Date(today.getTime() - (days - 1) * DAY_MS)
  const end = new Date(today.getTime() + DAY_MS)
  const [clickRows, revenue] = await Promise.all([clicksByDay(db, first, end), dailyTotalsByDay(db, 'conversion', 'confirmed', first, end)])
  const points = Array.from({ length: days }, (_, i): DayPoint => ({
    day: new Date(first.getTime() + i * DAY_MS),
    clicks: 0,
    conversions: 0,
    revenueCents: 0,
  }))
  const index = (dayMs: number) => Math.round((dayMs - first.getTime()) / DAY_MS)
  for (const r of clickRows) {
    const p = points[index(r.day.getTime())]
    if (p) p.clicks += r.clicks
  }
  for (const [dayMs, total] of revenue) {
    const p = points[index(dayMs)]
    if (p) {
      p.conversions += total.entries
      p.revenueCents += total.revenueCents
    }
  }
  return points
}
