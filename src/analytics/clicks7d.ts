// clicks_7d: click events (kind "click") with ts ≥ now − 7 days — the sketch's
// count, read mostly from the daily rollup. Only the partial UTC day at the start
// of the window touches raw events, through the (kind, ts) index, and only its
// smaller half: either [since, next midnight) counted directly, or the whole day
// from the rollup minus [midnight, since).
import type { Db } from '../db/client.ts'
import { countSince, daysAgo, toNumber } from './window.ts'

export async function rollupClicksFrom(db: Db, day: Date): Promise<number> {
  const rows = await db.$queryRaw<{ n: unknown }[]>`SELECT SUM(count) AS n FROM click_rollups WHERE kind = 'click' AND day >= ${day}`
  return toNumber(rows[0]?.n)
}

export async function rawClicksBetween(db: Db, from: Date, to: Date): Promise<number> {
  const rows = await db.$queryRaw<
    { n: unknown }[]
  >`SELECT COUNT(*) AS n FROM metric_events WHERE kind = 'click' AND ts >= ${from} AND ts < ${to}`
  return toNumber(rows[0]?.n)
}

/** Click events with ts ≥ since, exact. */
export function clicksSince(db: Db, since: Date): Promise<number> {
  return countSince(
    since,
    (day) => rollupClicksFrom(db, day),
    (from, to) => rawClicksBetween(db, from, to),
  )
}

export function clicks7d(db: Db, now: Date): Promise<number> {
  return clicksSince(db, daysAgo(now, 7))
}
