// CPC earnings (issue 31): under cpc terms a partner earns the rate in force when
// each unique, non-bot click happened. They accrue per partner and UTC day as one
// `click_earnings` entry (accrual key "cpc:<partner>:<day>", unique in the
// database): pending while the day is open, updated as it grows, confirmed once
// it has closed, and then never touched again. Reserved like conversions
// (balances read it as earnings). Capped per partner and day
// (CPC_DAILY_CAP_CENTS) until fraud rules exist.
//
// A day's clicks come from the click rollup (per link and day); when terms
// changed during the day, that day's raw events are counted by the terms'
// boundaries (raw events are kept far longer than a day). Running twice, or on
// two instances at once, writes each entry once: the key is unique, a lost
// insert race turns into the same update.
import type { Database } from '../db/client.ts'
import { isUniqueViolation } from '../db/errors.ts'
import { termsRowsOfCpcOffers } from '../db/queries/commission-terms.ts'
import {
  clickEarningsByKey,
  insertClickEarnings,
  linksOfOffers,
  uniqueClicksBetween,
  uniqueClicksOfDay,
  updatePendingClickEarnings,
  type LinkOfOffer,
} from '../db/queries/click-earnings.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { DAY_MS, dayStart } from '../time.ts'
import { termsInForce, type TermsMode, type TermsRow } from './rules.ts'

export interface AccrualOptions {
  capCents: number
  /** Closed days looked at again (a day missed while the server was down, or closed since the last run). */
  lookbackDays?: number
}

export interface AccrualResult {
  /** Entries written or changed. */
  written: number
  days: number
}

export const accrualKey = (partnerId: number, day: Date) => `cpc:${partnerId}:${day.toISOString().slice(0, 10)}`

/** One link's day cut at every change of its terms: [start, end) pieces with the terms in force at their start. */
export function termsPieces(rows: readonly TermsRow[], link: LinkOfOffer, day: Date): { from: Date; to: Date; rateCents: number | null }[] {
  const end = new Date(day.getTime() + DAY_MS)
  const cuts = [
    ...new Set(
      rows
        .filter((r) => r.offerId === link.offerId && (r.partnerId === null || r.partnerId === link.partnerId))
        .map((r) => r.effectiveFrom.getTime())
        .filter((t) => t > day.getTime() && t < end.getTime()),
    ),
  ].sort((a, b) => a - b)
  const starts = [day.getTime(), ...cuts]
  return starts.map((start, i) => {
    const t = termsInForce(rows, link.offerId, link.partnerId, new Date(start))
    return { from: new Date(start), to: new Date(starts[i + 1] ?? end.getTime()), rateCents: t.mode === 'cpc' ? t.value : null }
  })
}

/** Each partner's CPC earnings of one UTC day, before the cap. */
export async function cpcEarningsOfDay(
  db: Queryable,
  rows: readonly TermsRow[],
  links: readonly LinkOfOffer[],
  day: Date,
): Promise<Map<number, number>> {
  const pieced = links
    .map((link) => ({ link, pieces: termsPieces(rows, link, day) }))
    .filter((l) => l.pieces.some((p) => p.rateCents !== null))
  const whole = pieced.filter((l) => l.pieces.length === 1)
  const fromRollup = await uniqueClicksOfDay(
    db,
    day,
    whole.map((l) => l.link.id),
  )
  const earnings = new Map<number, number>()
  const add = (partnerId: number, cents: number) => earnings.set(partnerId, (earnings.get(partnerId) ?? 0) + cents)
  for (const { link, pieces } of whole) add(link.partnerId, (fromRollup.get(link.id) ?? 0) * pieces[0]!.rateCents!)
  for (const { link, pieces } of pieced.filter((l) => l.pieces.length > 1))
    for (const p of pieces) if (p.rateCents !== null) add(link.partnerId, (await uniqueClicksBetween(db, link, p.from, p.to)) * p.rateCents)
  return earnings
}

/** Writes the day's entry of one partner unless it is confirmed already; gives whether anything was written. */
async function writeDay(
  database: Pick<Database, 'prisma'>,
  partnerId: number,
  day: Date,
  cents: number,
  closed: boolean,
  now: Date,
): Promise<boolean> {
  const key = accrualKey(partnerId, day)
  const status = closed ? 'confirmed' : 'pending'
  const current = await clickEarningsByKey(database.prisma, key)
  if (current) {
    if (current.status !== 'pending' || (current.status === status && current.amountCents === cents)) return false
    return (await inTransaction(database, (tx) => updatePendingClickEarnings(tx, key, { status, amountCents: cents, now }))) === 1
  }
  if (cents === 0) return false
  try {
    await inTransaction(database, (tx) =>
      insertClickEarnings(tx, { accrualKey: key, partnerId, day, status, amountCents: cents, valueCents: null, now }),
    )
    return true
  } catch (err) {
    if (!isUniqueViolation(err)) throw err
    // Another run wrote it meanwhile: the same figures, updated if still pending.
    return (await inTransaction(database, (tx) => updatePendingClickEarnings(tx, key, { status, amountCents: cents, now }))) === 1
  }
}

/** One accrual pass: today (pending) and the last closed days (confirmed). */
export async function accrueCpcEarnings(
  database: Pick<Database, 'prisma'>,
  options: AccrualOptions,
  now = new Date(),
): Promise<AccrualResult> {
  const result: AccrualResult = { written: 0, days: 0 }
  const rows: TermsRow[] = (await termsRowsOfCpcOffers(database.prisma)).map((r) => ({ ...r, mode: r.mode as TermsMode }))
  const cpcRows = rows.filter((r) => r.mode === 'cpc')
  if (cpcRows.length === 0) return result
  const links = await linksOfOffers(database.prisma, [...new Set(rows.map((r) => r.offerId))])
  const today = dayStart(now)
  const firstCpcDay = dayStart(new Date(Math.min(...cpcRows.map((r) => r.effectiveFrom.getTime()))))
  const lookback = options.lookbackDays ?? 2
  for (let d = lookback; d >= 0; d--) {
    const day = new Date(today.getTime() - d * DAY_MS)
    if (day.getTime() < firstCpcDay.getTime()) continue
    result.days++
    const closed = day.getTime() + DAY_MS <= now.getTime()
    const earnings = await cpcEarningsOfDay(database.prisma, rows, links, day)
    for (const [partnerId, cents] of earnings)
      if (await writeDay(database, partnerId, day, Math.min(cents, options.capCents), closed, now)) result.written++
  }
  return result
}
