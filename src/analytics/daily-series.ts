// The 30-day daily series behind the monitoring charts: clicks per UTC day from
// the rollup, confirmed revenue per UTC day (conversions by their creation day,
// as rev_7d counts them) grouped in the database. Days without data are zeros.
import type { Db } from '../db/client.ts'
import type { Provider } from '../db/provider.ts'
import { Prisma } from '../generated/sqlite/client.ts'
import { DAY_MS, dayStart, toNumber } from './window.ts'

export interface DayPoint {
  day: Date
  clicks: number
  conversions: number
  revenueCents: number
}

export async function dailySeries(db: Db, provider: Provider, now: Date, days = 30): Promise<DayPoint[]> {
  const today = dayStart(now)
  const first = new Date(today.getTime() - (days - 1) * DAY_MS)
  const end = new Date(today.getTime() + DAY_MS)
  // The day number (days since 1970-01-01 UTC) of created_at, in each dialect:
  // SQLite stores epoch milliseconds; PostgreSQL's EXTRACT(EPOCH) of a timestamp
  // without time zone reads it as UTC.
  const dayNumber =
    provider === 'sqlite'
      ? Prisma.sql`(created_at / 86400000)`
      : Prisma.sql`CAST(FLOOR(EXTRACT(EPOCH FROM created_at) / 86400) AS BIGINT)`
  const [clickRows, revenueRows] = await Promise.all([
    db.clickRollup.groupBy({ by: ['day'], where: { kind: 'click', day: { gte: first, lt: end } }, _sum: { count: true } }),
    db.$queryRaw<{ d: unknown; n: unknown; cents: unknown }[]>`
      SELECT ${dayNumber} AS d, COUNT(*) AS n, SUM(amount_cents) AS cents FROM wallet_entries
      WHERE type = 'conversion' AND status = 'confirmed' AND created_at >= ${first} AND created_at < ${end}
      GROUP BY 1`,
  ])
  const points = Array.from({ length: days }, (_, i): DayPoint => ({ day: new Date(first.getTime() + i * DAY_MS), clicks: 0, conversions: 0, revenueCents: 0 }))
  const index = (dayMs: number) => Math.round((dayMs - first.getTime()) / DAY_MS)
  for (const r of clickRows) {
    const p = points[index(r.day.getTime())]
    if (p) p.clicks += r._sum.count ?? 0
  }
  for (const r of revenueRows) {
    const p = points[index(toNumber(r.d) * DAY_MS)]
    if (p) {
      p.conversions += toNumber(r.n)
      p.revenueCents += toNumber(r.cents)
    }
  }
  return points
}
