// Conversion entries and cents by status over the UTC days [fromDay, toDay), from
// the ledger's per-partner daily rollup (ledger_partner_daily plus the deltas not
// folded yet, as conversionFiguresByDay reads it), summed by the database over
// only the dimensions a report groups by: a row per day, per partner, or per
// (link, partner, network) instead of one per day and cell.
import { raw, sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'
import { dayFromDb } from './dayFromDb.ts'

export type ConversionDims = 'day' | 'partner' | 'link'

export interface ConversionTotals {
  day: Date | null
  partnerId: number | null
  assignmentId: number | null
  networkId: number | null
  status: string
  entries: number
  /** What partners earn. */
  amountCents: number
  /** What the networks pay. */
  revenueCents: number
}

const COLUMNS: Record<ConversionDims, string> = {
  day: 'day',
  partner: 'partner_id',
  link: 'assignment_id, partner_id, network_id',
}

const idOrNull = (v: unknown) => (v === undefined || toNumber(v) === 0 ? null : toNumber(v))

export async function conversionRollupTotals(db: Queryable, dims: ConversionDims, fromDay: Date, toDay: Date): Promise<ConversionTotals[]> {
  const cols = raw(COLUMNS[dims])
  const rows = await clientOf(db).$queryRaw<
    {
      day?: unknown
      partner_id?: unknown
      assignment_id?: unknown
      network_id?: unknown
      status: string
      n: unknown
      cents: unknown
      revenue: unknown
    }[]
  >(sql`
    SELECT ${cols}, status, CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents,
      CAST(SUM(revenue_cents) AS BIGINT) AS revenue FROM (
      SELECT ${cols}, status, entries, amount_cents, revenue_cents FROM ledger_partner_daily
      WHERE day >= ${fromDay} AND day < ${toDay} AND type = 'conversion'
      UNION ALL
      SELECT ${cols}, status, entries, amount_cents, revenue_cents FROM ledger_partner_deltas
      WHERE day >= ${fromDay} AND day < ${toDay} AND type = 'conversion'
    ) AS t
    GROUP BY ${cols}, status`)
  return rows.map((r) => ({
    day: r.day === undefined ? null : dayFromDb(r.day),
    partnerId: idOrNull(r.partner_id),
    assignmentId: idOrNull(r.assignment_id),
    networkId: idOrNull(r.network_id),
    status: r.status,
    entries: toNumber(r.n),
    amountCents: toNumber(r.cents),
    revenueCents: toNumber(r.revenue),
  }))
}
