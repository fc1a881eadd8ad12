// The ledger rules (DESIGN.md "Metric definitions"), pure: from the sums the
// database gives to a balance. One implementation for a partner and for everyone.
import { DAY_MS } from '../time.ts'

export interface LedgerRules {
  /** Share of recent confirmed revenue held back, 0..1 (PAYOUT_RESERVE_PCT). */
  reservePct: number
  /** Confirmed revenue younger than this many days is partly reserved (PAYOUT_RELEASE_DAYS). */
  releaseDays: number
}

export interface LedgerSums {
  /** All confirmed conversion amounts. */
  confirmedCents: number
  /** Confirmed conversion amounts created after now − releaseDays. */
  recentConfirmedCents: number
  /** Sum of paid payout entries (negative in the ledger; either sign accepted). */
  paidEntriesCents: number
}

export interface Balance {
  confirmedCents: number
  reservedCents: number
  paidCents: number
  /** max(0, confirmed − reserved − paid): what may still be paid out. */
  availableCents: number
  /**
   * max(0, −(confirmed − reserved − paid)): money reversed after it was paid
   * (DESIGN.md "À récupérer"), owed back and netted from the next earnings.
   */
  owedCents: number
}

/** Entries created strictly after this instant are still in their reserve period. */
export function releaseCutoff(now: Date, releaseDays: number): Date {
  return new Date(now.getTime() - releaseDays * DAY_MS)
}

/** pct × cents, rounded half up to a whole cent with integer arithmetic (no float drift). */
export function shareOfCents(cents: number, pct: number): number {
  const basisPoints = BigInt(Math.round(pct * 10_000))
  const product = BigInt(cents) * basisPoints
  const half = 5_000n
  const rounded = product >= 0n ? (product + half) / 10_000n : -((-product + half) / 10_000n)
  return Number(rounded)
}

export function balanceFrom(sums: LedgerSums, rules: LedgerRules): Balance {
  const reservedCents = shareOfCents(sums.recentConfirmedCents, rules.reservePct)
  const paidCents = Math.abs(sums.paidEntriesCents)
  const net = sums.confirmedCents - reservedCents - paidCents
  return { confirmedCents: sums.confirmedCents, reservedCents, paidCents, availableCents: Math.max(0, net), owedCents: Math.max(0, -net) }
}
