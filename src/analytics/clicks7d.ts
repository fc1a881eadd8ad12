// clicks_7d: click events (kind "click") with ts ≥ now − 7 days — the sketch's
// count, read mostly from the daily rollup. Only the partial UTC day at the start
// of the window touches raw events, through the (kind, ts) index, and only its
// smaller half: either [since, next midnight) counted directly, or the whole day
// from the rollup minus [midnight, since).
import type { Queryable } from '../db/queries/access.ts'
import { rawClicksBetween } from '../db/queries/analytics/rawClicksBetween.ts'
import { rollupClicksFrom } from '../db/queries/analytics/rollupClicksFrom.ts'
import { daysAgo } from '../time.ts'
import { countSince } from './window.ts'

/** Click events with ts ≥ since, exact. */
export function clicksSince(db: Queryable, since: Date): Promise<number> {
  return countSince(
    since,
    (day) => rollupClicksFrom(db, day),
    (from, to) => rawClicksBetween(db, from, to),
  )
}

export function clicks7d(db: Queryable, now: Date): Promise<number> {
  return clicksSince(db, daysAgo(now, 7))
}
