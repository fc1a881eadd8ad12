// Reading the ledger's daily totals (ledger_daily + the not yet folded
// ledger_deltas, kept by the triggers of the migration "ledger_daily_rollup"),
// and folding the deltas in. Sums over any set of whole UTC days cost a few rows
// per day, whatever the number of entries; callers add the raw entries of a
// partial day themselves.
import type { Db, Prisma } from '../db/client.ts'
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'

export type LedgerSqlReader = Pick<Db, '$queryRaw'> | Prisma.TransactionClient

export interface DailyTotal {
  entries: number
  cents: number
}

const num = (v: unknown) => (v === null || v === undefined ? 0 : Number(v))

/** `status` for dailyTotal: the entries of the type under every status (each counted once, under its current one). */
export const EVERY_STATUS = null

/** Entries and amount of one type and status over the days ≥ fromDay (all days when omitted). */
export async function dailyTotal(
  db: LedgerSqlReader,
  type: string,
  status: string | typeof EVERY_STATUS,
  fromDay?: Date,
): Promise<DailyTotal> {
  const since = fromDay ? SqlTag.sql`AND day >= ${fromDay}` : SqlTag.empty
  const ofStatus = status === EVERY_STATUS ? SqlTag.empty : SqlTag.sql`AND status = ${status}`
  // One statement: on PostgreSQL a concurrent fold is seen entirely or not at all.
  const rows = await db.$queryRaw<{ n: unknown; cents: unknown }[]>`
    SELECT CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM (
      SELECT entries, amount_cents FROM ledger_daily WHERE type = ${type} ${ofStatus} ${since}
      UNION ALL
      SELECT entries, amount_cents FROM ledger_deltas WHERE type = ${type} ${ofStatus} ${since}
    ) AS t`
  return { entries: num(rows[0]?.n), cents: num(rows[0]?.cents) }
}

/** Per-day entries and amount of one type and status for days in [fromDay, toDay). */
export async function dailyTotalsByDay(
  db: LedgerSqlReader,
  type: string,
  status: string,
  fromDay: Date,
  toDay: Date,
): Promise<Map<number, DailyTotal>> {
  const rows = await db.$queryRaw<{ day: unknown; n: unknown; cents: unknown }[]>`
    SELECT day, CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM (
      SELECT day, entries, amount_cents FROM ledger_daily WHERE type = ${type} AND status = ${status} AND day >= ${fromDay} AND day < ${toDay}
      UNION ALL
      SELECT day, entries, amount_cents FROM ledger_deltas WHERE type = ${type} AND status = ${status} AND day >= ${fromDay} AND day < ${toDay}
    ) AS t GROUP BY day`
  const byDay = new Map<number, DailyTotal>()
  for (const r of rows) {
    // A DateTime column comes back as a Date, or as epoch milliseconds through an aggregate on SQLite.
    const ms =
      r.day instanceof Date ? r.day.getTime() : typeof r.day === 'string' && !/^\d+$/.test(r.day) ? Date.parse(r.day) : Number(r.day)
    byDay.set(ms, { entries: num(r.n), cents: num(r.cents) })
  }
  return byDay
}

/**
 * Moves the pending deltas into ledger_daily (PostgreSQL; nothing to do on
 * SQLite). Safe to run anywhere at any time, from several instances at once:
 * each run takes the deltas no other run holds (SKIP LOCKED), and readers see a
 * fold entirely or not at all. Returns the number of deltas folded.
 */
export async function foldLedgerDeltas(db: Pick<Db, '$queryRaw'>, provider: 'sqlite' | 'postgresql', batch = 50_000): Promise<number> {
  if (provider !== 'postgresql') return 0
  let total = 0
  for (;;) {
    // Data-modifying CTEs run once and to completion: the deltas taken are exactly the ones added in.
    const rows = await db.$queryRaw<{ moved: unknown }[]>`
      WITH moved AS (
        DELETE FROM ledger_deltas WHERE id IN (SELECT id FROM ledger_deltas ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
        RETURNING day, type, status, entries, amount_cents
      ), grouped AS (
        SELECT day, type, status, SUM(entries) AS entries, SUM(amount_cents) AS amount_cents FROM moved GROUP BY day, type, status
      ), folded AS (
        INSERT INTO ledger_daily (day, type, status, entries, amount_cents)
        SELECT day, type, status, entries, amount_cents FROM grouped ORDER BY day, type, status
        ON CONFLICT (day, type, status) DO UPDATE
          SET entries = ledger_daily.entries + excluded.entries, amount_cents = ledger_daily.amount_cents + excluded.amount_cents
        RETURNING 1
      )
      SELECT (SELECT COUNT(*) FROM moved) AS moved, (SELECT COUNT(*) FROM folded) AS days`
    const moved = num(rows[0]?.moved)
    total += moved
    if (moved < batch) return total
  }
}
