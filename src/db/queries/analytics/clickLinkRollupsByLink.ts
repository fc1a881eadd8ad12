// Click and bot events per tracked link (and its partner), or per partner alone,
// over the UTC days [fromDay, toDay), with their unique ones, from the per-link
// daily rollup: one row per link (or partner) and kind, whatever the volume, and
// exact for pruned days. Grouping by partner alone sorts on fewer columns.
import { raw, sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface LinkKindClicks {
  /** null: clicks without a tracked link. */
  assignmentId: number | null
  partnerId: number | null
  kind: string
  count: number
  uniqueCount: number
}

const idOrNull = (v: unknown) => (v === undefined || toNumber(v) === 0 ? null : toNumber(v))

export async function clickLinkRollupsByLink(
  db: Queryable,
  fromDay: Date,
  toDay: Date,
  dims: 'link' | 'partner' = 'link',
): Promise<LinkKindClicks[]> {
  const cols = raw(dims === 'link' ? 'assignment_id, partner_id' : 'partner_id')
  const rows = await clientOf(db).$queryRaw<{ assignment_id?: unknown; partner_id: unknown; kind: string; n: unknown; u: unknown }[]>(
    sql`SELECT ${cols}, kind, CAST(SUM(count) AS BIGINT) AS n, CAST(SUM(unique_count) AS BIGINT) AS u
      FROM click_link_rollups WHERE day >= ${fromDay} AND day < ${toDay} GROUP BY ${cols}, kind`,
  )
  return rows.map((r) => ({
    assignmentId: idOrNull(r.assignment_id),
    partnerId: idOrNull(r.partner_id),
    kind: r.kind,
    count: toNumber(r.n),
    uniqueCount: toNumber(r.u),
  }))
}
