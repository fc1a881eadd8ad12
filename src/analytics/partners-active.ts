// partners_active: distinct partners with a click (kind "click") at ts ≥ now − 7
// days — the sketch's COUNT(DISTINCT partner_id), from the daily rollup. A
// partner with a click on a whole day of the window is in the rollup of that day;
// only partners seen on the partial first day and on no later day need a look at
// the raw events, one indexed EXISTS probe each on (partner_id, ts).
import type { Db } from '../db/client.ts'
import { daysAgo, rollupSplit, toNumber } from './window.ts'

/** Distinct partners (not null) with a click at ts ≥ since, exact. */
export async function partnersActiveSince(db: Db, since: Date): Promise<number> {
  const split = rollupSplit(since)
  if (!split.partial) {
    const rows = await db.$queryRaw<{ n: unknown }[]>`
      SELECT COUNT(DISTINCT partner_id) AS n FROM click_rollups
      WHERE kind = 'click' AND day >= ${since} AND partner_id <> 0 AND count > 0`
    return toNumber(rows[0]?.n)
  }
  const rows = await db.$queryRaw<{ full_days: unknown; edge_only: unknown }[]>`
    WITH later AS (
      SELECT DISTINCT partner_id FROM click_rollups
      WHERE kind = 'click' AND day >= ${split.firstFullDay} AND partner_id <> 0 AND count > 0
    ), edge AS (
      SELECT partner_id FROM click_rollups
      WHERE kind = 'click' AND day = ${split.edgeDay} AND partner_id <> 0 AND count > 0
        AND partner_id NOT IN (SELECT partner_id FROM later)
    )
    SELECT
      (SELECT COUNT(*) FROM later) AS full_days,
      (SELECT COUNT(*) FROM edge WHERE EXISTS (
        SELECT 1 FROM metric_events m
        WHERE m.partner_id = edge.partner_id AND m.ts >= ${since} AND m.ts < ${split.firstFullDay} AND m.kind = 'click'
      )) AS edge_only`
  return toNumber(rows[0]?.full_days) + toNumber(rows[0]?.edge_only)
}

export function partnersActive7d(db: Db, now: Date): Promise<number> {
  return partnersActiveSince(db, daysAgo(now, 7))
}
