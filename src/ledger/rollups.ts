// The ledger's per-partner daily rollup (ledger_partner_daily, kept by triggers in
// the transaction of every change of wallet_entries): the reports' daily figures,
// every partner's balance, and the dashboard's "À récupérer" and "Non attribué",
// read from days × partners rows instead of every entry. Exact: the only raw
// entries read are the smaller half of the release cutoff's partial day.
import type { Queryable } from '../db/queries/access.ts'
import { dailyTotal } from '../db/queries/ledger-daily.ts'
import {
  partnerDayRows,
  partnerSumsFromRollup,
  recoveryTotals,
  type PartnerDayRow,
  type RecentSplit,
} from '../db/queries/ledger-partner-daily.ts'
import { DAY_MS, dayStart } from '../time.ts'
import { balanceFrom, releaseCutoff, type Balance, type LedgerRules } from './balance-rules.ts'
import { ledgerBalance } from './balances.ts'

export type ConversionFigures = PartnerDayRow

export interface FiguresPeriod {
  from: Date
  to: Date
  /** Entry types wanted; conversions only when omitted (payouts and adjustments on request). */
  types?: readonly string[]
}

/**
 * Entries and cents per UTC day (of created_at), partner, assignment, network
 * (null: none), type and status, for the whole UTC days that [from, to) touches:
 * from's day through to's day (to's day left out when `to` is a midnight). Exactly
 * what grouping the raw entries of those days would give; cells that net to no
 * entry and no cent are left out.
 */
export function conversionFiguresByDay(db: Queryable, period: FiguresPeriod): Promise<ConversionFigures[]> {
  const fromDay = dayStart(period.from)
  const toDay = dayStart(new Date(period.to.getTime() + DAY_MS - 1))
  return partnerDayRows(db, fromDay, toDay, period.types ?? ['conversion'])
}

/**
 * How "created after the release cutoff" splits: whole days from the rollup, and
 * the smaller half of the cutoff's own day from the entries (the tail after the
 * cutoff added, or the head up to it subtracted), as analytics/window.ts does.
 */
export function recentSplit(cutoff: Date): RecentSplit {
  const cutoffDay = dayStart(cutoff)
  const nextDay = new Date(cutoffDay.getTime() + DAY_MS)
  if (cutoff.getTime() - cutoffDay.getTime() >= DAY_MS / 2) return { fromDay: nextDay, edge: { after: cutoff, before: nextDay, sign: 1 } }
  // Entries at exactly the cutoff are not recent (created strictly after it): in the head.
  return { fromDay: cutoffDay, edge: { after: new Date(cutoffDay.getTime() - 1), before: new Date(cutoff.getTime() + 1), sign: -1 } }
}

/** Every partner's balance (key null: the money of no partner), by the rules of balance-rules.ts. */
export async function everyPartnerBalance(db: Queryable, rules: LedgerRules, now = new Date()): Promise<Map<number | null, Balance>> {
  const sums = await partnerSumsFromRollup(db, recentSplit(releaseCutoff(now, rules.releaseDays)))
  return new Map([...sums].map(([partnerId, s]) => [partnerId, balanceFrom(s, rules)]))
}

export interface Recoveries {
  /** Σ of every partner's owedCents (DESIGN.md "À récupérer"). */
  owedCents: number
  /** How many partners owe something. */
  owingPartners: number
  /** confirmed − reserved of the money of no partner (conversions whose partner is unknown): "Non attribué". */
  unattributedCents: number
}

/** Reserve share in basis points, as shareOfCents (balance-rules.ts) takes it. */
const basisPoints = (pct: number) => Math.round(pct * 10_000)

/**
 * What partners owe back, in total, and the balance of no partner's money, each
 * partner's reserve rounded on its own: one row from the database, reading one
 * row per partner and the recent days of only the partners who may owe.
 */
export function ledgerRecoveries(db: Queryable, rules: LedgerRules, now = new Date()): Promise<Recoveries> {
  return recoveryTotals(db, recentSplit(releaseCutoff(now, rules.releaseDays)), basisPoints(rules.reservePct))
}

/**
 * The right-hand side of DESIGN.md's identity: the whole ledger's confirmed money
 * − reserved − paid, where confirmed money counts manual adjustments (never
 * reserved) as DESIGN.md says. The dashboard's seed cards (Disponible, Réserve,
 * Payé) keep the sketch's own definition — confirmed *conversions* only — so this
 * is the seed's confirmed − reserved − paid plus the confirmed adjustments.
 * Computed from ledger_daily, not from the per-partner rollup, so the identity
 * checks one against the other.
 */
export async function globalNetCents(db: Queryable, rules: LedgerRules, now = new Date()): Promise<number> {
  const [seed, adjustments] = await Promise.all([ledgerBalance(db, rules, { now }), dailyTotal(db, 'adjustment', 'confirmed')])
  return seed.confirmedCents - seed.reservedCents - seed.paidCents + adjustments.cents
}
