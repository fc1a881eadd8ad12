// One partner's entries as ops see them, and the entry a paid payout books.
import type { Queryable } from '../db/queries/access.ts'
import { insertPayoutEntry, latestConversionsOf, type PartnerConversion } from '../db/queries/wallet-entries.ts'

export type { PartnerConversion }

/** The partner's latest conversions (20), newest first. */
export function recentConversionsOf(db: Queryable, partnerId: number, take = 20): Promise<PartnerConversion[]> {
  return latestConversionsOf(db, partnerId, take)
}

/**
 * Books a paid payout: an entry of minus its amount, in the caller's transaction
 * (the payout's status changes with it). A payout is never booked twice: the
 * entry's payout id is unique.
 */
export function bookPaidPayout(db: Queryable, payout: { partnerId: number; payoutId: number; amountCents: number; paidAt: Date }) {
  return insertPayoutEntry(db, {
    partnerId: payout.partnerId,
    payoutId: payout.payoutId,
    amountCents: -payout.amountCents,
    at: payout.paidAt,
  })
}
