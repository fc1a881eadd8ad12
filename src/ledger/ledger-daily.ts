// The ledger's daily totals (ledger_daily + the not yet folded ledger_deltas,
// kept by the triggers of the migration "ledger_daily_rollup"), and folding the
// deltas in (those of the per-partner totals, rollups.ts, too). Sums over any set of whole UTC days cost a few rows per day,
// whatever the number of entries; callers add the raw entries of a partial day
// (figures.ts).
import { foldLedgerDeltaBatch } from '../db/queries/ledger-daily.ts'
import { foldPartnerDeltaBatch } from '../db/queries/ledger-partner-daily.ts'
import type { Queryable } from '../db/queries/access.ts'
import type { Provider } from '../db/provider.ts'

export { dailyTotal, dailyTotalsByDay, EVERY_STATUS, type DailyTotal } from '../db/queries/ledger-daily.ts'

/**
 * Moves the pending deltas into ledger_daily and ledger_partner_daily
 * (PostgreSQL; nothing to do on SQLite). Safe to run anywhere at any time, from
 * several instances at once. Returns the number of deltas folded.
 */
export async function foldLedgerDeltas(db: Queryable, provider: Provider, batch = 50_000): Promise<number> {
  if (provider !== 'postgresql') return 0
  let total = 0
  for (const foldBatch of [foldLedgerDeltaBatch, foldPartnerDeltaBatch])
    for (;;) {
      const moved = await foldBatch(db, batch)
      total += moved
      if (moved < batch) break
    }
  return total
}
