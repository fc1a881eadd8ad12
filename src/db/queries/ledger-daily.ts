// The ledger's daily totals: ledger_daily plus the not yet folded ledger_deltas
// (both kept by the triggers of the migration "ledger_daily_rollup"), and the fold
// of the deltas into the totals. Read and written only through src/ledger.
import { empty, sql, toNumber } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

export interface DailyTotal {
  entries: number
  /** Σ amount_cents: what partners earn. */
  cents: number
  /** Σ revenue: what the networks pay (the amount where an entry stores none). */
  revenueCents: number
}

/** `status` for dailyTotal: the entries of the type under every status (each counted once, under its current one). */
export const EVERY_STATUS = null

/** Entries and amount of one type and status over the days ≥ fromDay (all days when omitted). */
export async function dailyTotal(db: Queryable, type: string, status: string | typeof EVERY_STATUS, fromDay?: Date): Promise<DailyTotal> {
  const since = fromDay ? sql`AND day >= ${fromDay}` : empty
  const ofStatus = status === EVERY_STATUS ? empty : sql`AND status = ${status}`
  // One statement: on PostgreSQL a concurrent fold is seen entirely or not at all.
  const rows = await clientOf(db).$queryRaw<{ n: unknown; cents: unknown; revenue: unknown }[]>`
    SELECT CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents, CAST(SUM(revenue_cents) AS BIGINT) AS revenue FROM (
      SELECT entries, amount_cents, revenue_cents FROM ledger_daily WHERE type = ${type} ${ofStatus} ${since}
      UNION ALL
      SELECT entries, amount_cents, revenue_cents FROM ledger_deltas WHERE type = ${type} ${ofStatus} ${since}
    ) AS t`
  return { entries: toNumber(rows[0]?.n), cents: toNumber(rows[0]?.cents), revenueCents: toNumber(rows[0]?.revenue) }
}

/** Per-day entries and amount of one type and status for days in [fromDay, toDay), keyed by the day's epoch ms. */
export async function dailyTotalsByDay(
  db: Queryable,
  type: string,
  status: string,
  fromDay: Date,
  toDay: Date,
): Promise<Map<number, DailyTotal>> {
  const rows = await clientOf(db).$queryRaw<{ day: unknown; n: unknown; cents: unknown; revenue: unknown }[]>`
    SELECT day, CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents, CAST(SUM(revenue_cents) AS BIGINT) AS revenue FROM (
      SELECT day, entries, amount_cents, revenue_cents FROM ledger_daily
      WHERE type = ${type} AND status = ${status} AND day >= ${fromDay} AND day < ${toDay}
      UNION ALL
      SELECT day, entries, amount_cents, revenue_cents FROM ledger_deltas
      WHERE type = ${type} AND status = ${status} AND day >= ${fromDay} AND day < ${toDay}
    ) AS t GROUP BY day`
  const byDay = new Map<number, DailyTotal>()
  for (const r of rows) {
    // A DateTime column comes back as a Date, or as epoch milliseconds through an aggregate on SQLite.
    const ms =
      r.day instanceof Date ? r.day.getTime() : typeof r.day === 'string' && !/^\d+$/.test(r.day) ? Date.parse(r.day) : toNumber(r.day)
    byDay.set(ms, { entries: toNumber(r.n), cents: toNumber(r.cents), revenueCents: toNumber(r.revenue) })
  }
  return byDay
}

/**
 * Moves up to `batch` pending deltas into ledger_daily (PostgreSQL), in one
 * statement: each run takes the deltas no other run holds (SKIP LOCKED), and
 * readers see a fold entirely or not at all. Returns the number of deltas moved.
 */
export async function foldLedgerDeltaBatch(db: Queryable, batch: number): Promise<number> {
  // Data-modifying CTEs run once and to completion: the deltas taken are exactly the ones added in.
  const rows = await clientOf(db).$queryRaw<{ moved: unknown }[]>`
    WITH moved AS (
      DELETE FROM ledger_deltas WHERE id IN (SELECT id FROM ledger_deltas ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING day, type, status, entries, amount_cents, revenue_cents
    ), grouped AS (
      SELECT day, type, status, SUM(entries) AS entries, SUM(amount_cents) AS amount_cents, SUM(revenue_cents) AS revenue_cents
      FROM moved GROUP BY day, type, status
    ), folded AS (
      INSERT INTO ledger_daily (day, type, status, entries, amount_cents, revenue_cents)
      SELECT day, type, status, entries, amount_cents, revenue_cents FROM grouped ORDER BY day, type, status
      ON CONFLICT (day, type, status) DO UPDATE
        SET entries = ledger_daily.entries + excluded.entries, amount_cents = ledger_daily.amount_cents + excluded.amount_cents,
          revenue_cents = ledger_daily.revenue_cents + excluded.revenue_cents
      RETURNING 1
    )
    SELECT (SELECT COUNT(*) FROM moved) AS moved, (SELECT COUNT(*) FROM folded) AS days`
  return toNumber(rows[0]?.moved)
}
