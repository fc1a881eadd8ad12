// The ledger's daily totals per partner, assignment and network: ledger_partner_daily
// plus the not yet folded ledger_partner_deltas (both kept by the triggers of the
// migration "ledger_partner_daily"), and the fold of the deltas. Read and written
// only through src/ledger. A missing partner, assignment or network is 0 there.
import { empty, join, sql, toNumber, type Sql } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

/** A DateTime column comes back as a Date, or as epoch milliseconds (or their text) through SQLite's aggregates. */
function dayOf(v: unknown): Date {
  if (v instanceof Date) return v
  if (typeof v === 'string' && !/^\d+$/.test(v)) return new Date(Date.parse(v))
  return new Date(toNumber(v))
}

const orNull = (id: unknown) => (toNumber(id) === 0 ? null : toNumber(id))

export interface PartnerDayRow {
  day: Date
  partnerId: number | null
  assignmentId: number | null
  networkId: number | null
  type: string
  status: string
  entries: number
  amountCents: number
}

/** Every cell of the days in [fromDay, toDay), totals and pending deltas added; cells that net to nothing left out. */
export async function partnerDayRows(db: Queryable, fromDay: Date, toDay: Date, types?: readonly string[]): Promise<PartnerDayRow[]> {
  const ofType = types ? sql`AND type IN (${join(types)})` : empty
  const rows = await clientOf(db).$queryRaw<
    {
      day: unknown
      partner_id: unknown
      assignment_id: unknown
      network_id: unknown
      type: string
      status: string
      n: unknown
      cents: unknown
    }[]
  >`
    SELECT day, partner_id, assignment_id, network_id, type, status,
      CAST(SUM(entries) AS BIGINT) AS n, CAST(SUM(amount_cents) AS BIGINT) AS cents FROM (
      SELECT day, partner_id, assignment_id, network_id, type, status, entries, amount_cents FROM ledger_partner_daily
      WHERE day >= ${fromDay} AND day < ${toDay} ${ofType}
      UNION ALL
      SELECT day, partner_id, assignment_id, network_id, type, status, entries, amount_cents FROM ledger_partner_deltas
      WHERE day >= ${fromDay} AND day < ${toDay} ${ofType}
    ) AS t
    GROUP BY day, partner_id, assignment_id, network_id, type, status
    HAVING SUM(entries) <> 0 OR SUM(amount_cents) <> 0
    ORDER BY day, partner_id, assignment_id, network_id, type, status`
  return rows.map((r) => ({
    day: dayOf(r.day),
    partnerId: orNull(r.partner_id),
    assignmentId: orNull(r.assignment_id),
    networkId: orNull(r.network_id),
    type: r.type,
    status: r.status,
    entries: toNumber(r.n),
    amountCents: toNumber(r.cents),
  }))
}

/**
 * Where the recent confirmed conversions of every partner come from: whole days
 * ≥ `fromDay` in the rollup, plus (sign +1) or minus (sign −1) the raw confirmed
 * conversions created in (`after`, `before`) — the partial day of the release
 * cutoff, whichever half of it is smaller.
 */
export interface RecentSplit {
  fromDay: Date
  edge: { after: Date; before: Date; sign: 1 | -1 }
}

/**
 * The all-time confirmed money (conversions, click earnings and adjustments),
 * confirmed earnings that a reserve applies to (conversions and click earnings)
 * and paid payout entries of each partner (0: none) that
 * `partners` selects (a condition on partner_id).
 */
function totalsSql(partners: Sql): Sql {
  return sql`
    SELECT partner_id,
      CAST(SUM(CASE WHEN type = 'payout' THEN 0 ELSE amount_cents END) AS BIGINT) AS confirmed,
      CAST(SUM(CASE WHEN type IN ('conversion', 'click_earnings') THEN amount_cents ELSE 0 END) AS BIGINT) AS conversions,
      CAST(SUM(CASE WHEN type = 'payout' THEN amount_cents ELSE 0 END) AS BIGINT) AS paid
    FROM (
      SELECT partner_id, type, amount_cents FROM ledger_partner_totals
      WHERE ((type IN ('conversion', 'click_earnings', 'adjustment') AND status = 'confirmed') OR (type = 'payout' AND status = 'paid')) AND ${partners}
      UNION ALL
      SELECT partner_id, type, amount_cents FROM ledger_partner_deltas
      WHERE ((type IN ('conversion', 'click_earnings', 'adjustment') AND status = 'confirmed') OR (type = 'payout' AND status = 'paid')) AND ${partners}
    ) AS t
    GROUP BY partner_id`
}

/**
 * The partners who could owe money back, and no partner (0): those with a paid
 * payout or an adjustment. Any other partner's confirmed − reserved − paid is
 * its confirmed conversions less a reserve of at most all of them (pct ≤ 1):
 * never below zero.
 */
const paidOrAdjusted = sql`partner_id IN (
      SELECT 0
      UNION SELECT partner_id FROM ledger_partner_totals WHERE type = 'payout' AND status = 'paid'
      UNION SELECT partner_id FROM ledger_partner_totals WHERE type = 'adjustment' AND status = 'confirmed'
      UNION SELECT partner_id FROM ledger_partner_deltas WHERE type IN ('payout', 'adjustment'))`

/**
 * Each partner's confirmed conversions created after the release cutoff, for the
 * partners `partners` selects (a condition on partner_id): the days of the
 * rollup (index on type, status, partner_id, day), its deltas, and the cutoff's
 * partial day from the entries.
 */
function recentSql(recent: RecentSplit, partners: Sql): Sql {
  const { after, before, sign } = recent.edge
  return sql`
    SELECT partner_id, CAST(SUM(amount_cents) AS BIGINT) AS recent FROM (
      SELECT partner_id, amount_cents FROM ledger_partner_daily
      WHERE type IN ('conversion', 'click_earnings') AND status = 'confirmed' AND day >= ${recent.fromDay} AND ${partners}
      UNION ALL
      SELECT partner_id, amount_cents FROM ledger_partner_deltas
      WHERE type IN ('conversion', 'click_earnings') AND status = 'confirmed' AND day >= ${recent.fromDay} AND ${partners}
      UNION ALL
      SELECT partner_id, ${sign} * amount_cents FROM (
        SELECT coalesce(partner_id, 0) AS partner_id, amount_cents FROM wallet_entries
        WHERE type IN ('conversion', 'click_earnings') AND status = 'confirmed' AND created_at > ${after} AND created_at < ${before}
      ) AS edge WHERE ${partners}
    ) AS r
    GROUP BY partner_id`
}

export interface PartnerLedgerSums {
  confirmedCents: number
  recentConfirmedCents: number
  paidEntriesCents: number
}

/** Every partner's sums (key null: the money of no partner), from the totals and the release period's days. */
export async function partnerSumsFromRollup(db: Queryable, recent: RecentSplit): Promise<Map<number | null, PartnerLedgerSums>> {
  const rows = await clientOf(db).$queryRaw<{ partner_id: unknown; confirmed: unknown; recent: unknown; paid: unknown }[]>`
    SELECT t.partner_id, t.confirmed, coalesce(r.recent, 0) AS recent, t.paid
    FROM (${totalsSql(sql`1 = 1`)}) AS t LEFT JOIN (${recentSql(recent, sql`1 = 1`)}) AS r ON r.partner_id = t.partner_id`
  return new Map(
    rows.map((r) => [
      orNull(r.partner_id),
      { confirmedCents: toNumber(r.confirmed), recentConfirmedCents: toNumber(r.recent), paidEntriesCents: toNumber(r.paid) },
    ]),
  )
}

export interface RecoveryTotals {
  owedCents: number
  owingPartners: number
  unattributedCents: number
}

/**
 * Σ of what partners owe back and the balance of the money of no partner, in the
 * database: one row comes back. The all-time totals are read for the partners
 * who were paid or adjusted; the release period's days only for the money of no
 * partner and for the partners who would owe even if all their confirmed
 * conversions were reserved (a reserve can be no larger: conversion amounts are
 * never negative). The
 * reserve is each partner's own, rounded half up on the cent in integers
 * (`reserveBasisPoints` / 10,000), as balance-rules.ts rounds it.
 */
export async function recoveryTotals(db: Queryable, recent: RecentSplit, reserveBasisPoints: number): Promise<RecoveryTotals> {
  const bp = sql`CAST(${reserveBasisPoints} AS BIGINT)`
  const rows = await clientOf(db).$queryRaw<{ owed: unknown; owing: unknown; unattributed: unknown }[]>`
    WITH candidates AS MATERIALIZED (
      SELECT partner_id, confirmed, paid FROM (${totalsSql(paidOrAdjusted)}) AS totals
      WHERE partner_id = 0 OR confirmed - abs(paid) - (conversions * ${bp} + 5000) / 10000 < 0
    ),
    recent AS (${recentSql(recent, sql`partner_id IN (SELECT partner_id FROM candidates)`)})
    SELECT
      CAST(SUM(CASE WHEN partner_id <> 0 AND net < 0 THEN -net ELSE 0 END) AS BIGINT) AS owed,
      SUM(CASE WHEN partner_id <> 0 AND net < 0 THEN 1 ELSE 0 END) AS owing,
      CAST(SUM(CASE WHEN partner_id = 0 THEN net ELSE 0 END) AS BIGINT) AS unattributed
    FROM (
      SELECT c.partner_id, c.confirmed - (coalesce(r.recent, 0) * ${bp} + 5000) / 10000 - abs(c.paid) AS net
      FROM candidates c LEFT JOIN recent r ON r.partner_id = c.partner_id
    ) AS balances`
  const r = rows[0]
  return { owedCents: toNumber(r?.owed), owingPartners: toNumber(r?.owing), unattributedCents: toNumber(r?.unattributed) }
}

/**
 * Moves up to `batch` pending deltas into ledger_partner_daily and
 * ledger_partner_totals (PostgreSQL) in one statement, as foldLedgerDeltaBatch
 * does for ledger_daily: each run takes the deltas no other run holds, readers
 * see a fold entirely or not at all.
 */
export async function foldPartnerDeltaBatch(db: Queryable, batch: number): Promise<number> {
  const rows = await clientOf(db).$queryRaw<{ moved: unknown }[]>`
    WITH moved AS (
      DELETE FROM ledger_partner_deltas
      WHERE id IN (SELECT id FROM ledger_partner_deltas ORDER BY id LIMIT ${batch} FOR UPDATE SKIP LOCKED)
      RETURNING day, partner_id, assignment_id, network_id, type, status, entries, amount_cents, revenue_cents
    ), grouped AS (
      SELECT day, partner_id, assignment_id, network_id, type, status, SUM(entries) AS entries, SUM(amount_cents) AS amount_cents,
        SUM(revenue_cents) AS revenue_cents
      FROM moved GROUP BY day, partner_id, assignment_id, network_id, type, status
    ), folded AS (
      INSERT INTO ledger_partner_daily (day, partner_id, assignment_id, network_id, type, status, entries, amount_cents, revenue_cents)
      SELECT * FROM grouped ORDER BY day, partner_id, assignment_id, network_id, type, status
      ON CONFLICT (day, partner_id, assignment_id, network_id, type, status) DO UPDATE
        SET entries = ledger_partner_daily.entries + excluded.entries,
            amount_cents = ledger_partner_daily.amount_cents + excluded.amount_cents,
            revenue_cents = ledger_partner_daily.revenue_cents + excluded.revenue_cents
      RETURNING 1
    ), totals AS (
      INSERT INTO ledger_partner_totals (partner_id, type, status, entries, amount_cents)
      SELECT partner_id, type, status, SUM(entries), SUM(amount_cents) FROM moved
      GROUP BY partner_id, type, status ORDER BY partner_id, type, status
      ON CONFLICT (partner_id, type, status) DO UPDATE
        SET entries = ledger_partner_totals.entries + excluded.entries,
            amount_cents = ledger_partner_totals.amount_cents + excluded.amount_cents
      RETURNING 1
    )
    SELECT (SELECT COUNT(*) FROM moved) AS moved, (SELECT COUNT(*) FROM folded) AS cells, (SELECT COUNT(*) FROM totals) AS totals`
  return toNumber(rows[0]?.moved)
}
