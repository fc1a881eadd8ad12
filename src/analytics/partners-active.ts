// partners_active: distinct partners with a click (kind "click") at ts ≥ now − 7
// days — the sketch's COUNT(DISTINCT partner_id), from the daily rollup, the
// partial first day probed in the raw events (db/queries/analytics/partnersActive.ts).
import type { Queryable } from '../db/queries/access.ts'
import { partnersActive } from '../db/queries/analytics/partnersActive.ts'
import { daysAgo } from '../time.ts'
import { rollupSplit } from './window.ts'

/** Distinct partners (not null) with a click at ts ≥ since, exact. */
export function partnersActiveSince(db: Queryable, since: Date): Promise<number> {
  return partnersActive(db, rollupSplit(since))
}

export function partnersActive7d(db: Queryable, now: Date): Promise<number> {
  return partnersActiveSince(db, daysAgo(now, 7))
}
