// Click and bot events per tracked link (and its partner) over the UTC days
// [fromDay, toDay), with their unique ones, from the per-link daily rollup: one
// row per link and kind, whatever the volume, and exact for pruned days.
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface LinkKindClicks {
  /** null: clicks without a tracked link. */
  assignmentId: number | null
  partnerId: number | null
  kind: string
  count: number
  uniqueCount: number
}

const idOrNull = (v: unknown) => (toNumber(v) === 0 ? null : toNumber(v))

export async function clickLinkRollupsByLink(db: Queryable, fromDay: Date, toDay: Date): Promise<LinkKindClicks[]> {
  const rows = await clientOf(db).$queryRaw<{ assignment_id: unknown; partner_id: unknown; kind: string; n: unknown; u: unknown }[]>(
    sql`SELECT assignment_id, partner_id, kind, CAST(SUM(count) AS BIGINT) AS n, CAST(SUM(unique_count) AS BIGINT) AS u
      FROM click_link_rollups WHERE day >= ${fromDay} AND day < ${toDay} GROUP BY assignment_id, partner_id, kind`,
  )
  return rows.map((r) => ({
    assignmentId: idOrNull(r.assignment_id),
    partnerId: idOrNull(r.partner_id),
    kind: r.kind,
    count: toNumber(r.n),
    uniqueCount: toNumber(r.u),
  }))
}
