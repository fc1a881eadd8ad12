// The Sécurité card: active holds, conversions reported in the last 24 h (the
// sketch's postbacks_24h), plus what ops must review: flagged conversions
// (unknown partner or click…) and postbacks refused in the last 24 h.
import type { Queryable } from '../db/queries/access.ts'
import { rejectedPostbacksSince } from '../db/queries/analytics/rejectedPostbacksSince.ts'
import { conversionsCreatedBetween, flaggedConversions as flaggedEntries } from '../ledger/figures.ts'
import { dailyTotal, EVERY_STATUS } from '../ledger/ledger-daily.ts'
import { daysAgo } from '../time.ts'
import { countSince } from './window.ts'

/**
 * Conversion entries created in the last 24 h, any status: whole UTC days from
 * the ledger's daily totals, only the smaller half of the partial first day from
 * the entries (countSince), so the cost does not grow with the day's postbacks
 * (counting the entries alone grows with them).
 */
export function postbacks24h(db: Queryable, now: Date): Promise<number> {
  return countSince(
    daysAgo(now, 1),
    async (day) => (await dailyTotal(db, 'conversion', EVERY_STATUS, day)).entries,
    (from, to) => conversionsCreatedBetween(db, from, to),
  )
}

/** Conversions booked with a flag (unknown_partner, unknown_click, click_mismatch, bot_click). */
export function flaggedConversions(db: Queryable): Promise<number> {
  return flaggedEntries(db)
}

/** Postbacks refused (malformed: rejected; bad token or IP: forbidden) in the last 24 h. */
export function rejectedPostbacks24h(db: Queryable, now: Date): Promise<number> {
  return rejectedPostbacksSince(db, daysAgo(now, 1))
}

export interface SecurityExtras {
  flagged_conversions: number
  rejected_postbacks_24h: number
}

export async function securityExtras(db: Queryable, now: Date): Promise<SecurityExtras> {
  const [flagged, rejected] = await Promise.all([flaggedConversions(db), rejectedPostbacks24h(db, now)])
  return { flagged_conversions: flagged, rejected_postbacks_24h: rejected }
}
