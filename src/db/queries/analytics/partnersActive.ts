// Distinct partners (not null) with a click (kind "click") at ts ≥ since, exact,
// from the daily rollup. A partner with a click on a whole day of the window is in
// the rollup of that day; only partners seen on the partial first day
// [edgeDay, firstFullDay) and on no later day need a look at the raw events, one
// indexed EXISTS probe each on (partner_id, ts).
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface ClickWindow {
  since: Date
  /** UTC midnight at or before `since`. */
  edgeDay: Date
  /** The first whole UTC day of the window. */
  firstFullDay: Date
  /** False when `since` falls on a midnight. */
  partial: boolean
}

export async function partnersActive(db: Queryable, window: ClickWindow): Promise<number> {
  const client = clientOf(db)
  const { since, edgeDay, firstFullDay } = window
  if (!window.partial) {
    const rows = await client.$queryRaw<{ n: unknown }[]>(sql`
      SELECT COUNT(DISTINCT partner_id) AS n FROM click_rollups
      WHERE kind = 'click' AND day >= ${since} AND partner_id <> 0 AND count > 0`)
    return toNumber(rows[0]?.n)
  }
  const rows = await client.$queryRaw<{ full_days: unknown; edge_only: unknown }[]>(sql`
    WITH later AS (
      SELECT DISTINCT partner_id FROM click_rollups
      WHERE kind = 'click' AND day >= ${firstFullDay} AND partner_id <> 0 AND count > 0
    ), edge AS (
      SELECT partner_id FROM click_rollups
      WHERE kind = 'click' AND day = ${edgeDay} AND partner_id <> 0 AND count > 0
        AND partner_id NOT IN (SELECT partner_id FROM later)
    )
    SELECT
      (SELECT COUNT(*) FROM later) AS full_days,
      (SELECT COUNT(*) FROM edge WHERE EXISTS (
        SELECT 1 FROM metric_events m
        WHERE m.partner_id = edge.partner_id AND m.ts >= ${since} AND m.ts < ${firstFullDay} AND m.kind = 'click'
      )) AS edge_only`)
  return toNumber(rows[0]?.full_days) + toNumber(rows[0]?.edge_only)
}
