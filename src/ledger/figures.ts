// The ledger's money figures for the dashboard and the security card: counts and
// sums of conversion entries over a period. Whole UTC days come from the daily
// totals (ledger-daily.ts); these read the entries of the partial days.
import type { Queryable } from '../db/queries/access.ts'
import { confirmedConversionsWithin, conversionsCreatedWithin, flaggedEntryCount } from '../db/queries/wallet-entries.ts'

/** Confirmed conversions created in [from, to): count, earnings (cents) and revenue. */
export function confirmedConversionsBetween(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<{ count: number; cents: number; revenueCents: number }> {
  return confirmedConversionsWithin(db, from, to)
}

/** Conversions created in [from, to), any status. */
export function conversionsCreatedBetween(db: Queryable, from: Date, to: Date): Promise<number> {
  return conversionsCreatedWithin(db, from, to)
}

/** Conversions booked with a flag (unknown_partner, unknown_click, click_mismatch, bot_click). */
export function flaggedConversions(db: Queryable): Promise<number> {
  return flaggedEntryCount(db)
}
