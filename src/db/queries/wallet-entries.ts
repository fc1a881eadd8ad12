// Wallet entries and their history: the ledger's rows. Read and written only
// through src/ledger (scripts/check-architecture.ts). The postback batch's
// statements run on the direct SQL runner (src/db/hot) with the batch as one
// JSON parameter: an ORM query compiles a new plan for every new batch shape, and
// a bound value per field costs more than the database's own work.
import type { Prisma } from '../../generated/sqlite/client.ts'
import type { Provider } from '../provider.ts'
import { jsonRowsSelect, type JsonColumn, type JsonValue, type SqlRunner } from '../hot/index.ts'
import { empty, join, sql, toNumber, type Sql } from '../sql.ts'
import { conversionFields } from './conversion-fields.ts'
import { clientOf, type Queryable } from './access.ts'

// ——— Sums and counts (balances, figures) ———

/** Sum of amount_cents of the entries `where` selects. */
async function sumCents(db: Queryable, where: Prisma.WalletEntryWhereInput): Promise<number> {
  const agg = await clientOf(db).walletEntry.aggregate({ _sum: { amountCents: true }, where })
  return toNumber(agg._sum.amountCents)
}

export interface PartnerSums {
  confirmedCents: number
  recentConfirmedCents: number
  paidEntriesCents: number
}

/** What a partner earns and a reserve holds back: conversions and click earnings (CPC terms, src/terms). */
const EARNING_TYPES = ['conversion', 'click_earnings']

/**
 * One partner's confirmed money (conversions, click earnings and adjustments),
 * its confirmed earnings created after `cutoff` (adjustments are decisions,
 * never reserved) and its paid payout entries (index on partner, type, status).
 */
export async function partnerSums(db: Queryable, partnerId: number, cutoff: Date): Promise<PartnerSums> {
  const confirmed = { partnerId, type: { in: EARNING_TYPES }, status: 'confirmed' }
  const [all, adjustments, recent, paid] = await Promise.all([
    sumCents(db, confirmed),
    sumCents(db, { partnerId, type: 'adjustment', status: 'confirmed' }),
    sumCents(db, { ...confirmed, createdAt: { gt: cutoff } }),
    sumCents(db, { partnerId, type: 'payout', status: 'paid' }),
  ])
  return { confirmedCents: all + adjustments, recentConfirmedCents: recent, paidEntriesCents: paid }
}

/** Everyone's confirmed earnings (conversions and click earnings) created in (after, before). */
export function confirmedCentsCreatedWithin(db: Queryable, after: Date, before: Date): Promise<number> {
  return sumCents(db, { type: { in: EARNING_TYPES }, status: 'confirmed', createdAt: { gt: after, lt: before } })
}

/** partnerSums grouped by partner (null: entries of no partner), over the entries `partners` selects (adjustments never reserved). */
async function groupedSums(db: Queryable, cutoff: Date, partners: Sql): Promise<[number | null, PartnerSums][]> {
  const rows = await clientOf(db).$queryRaw<{ partner_id: unknown; confirmed: unknown; recent: unknown; paid: unknown }[]>`
    SELECT partner_id,
      SUM(CASE WHEN type IN ('conversion', 'click_earnings', 'adjustment') THEN amount_cents ELSE 0 END) AS confirmed,
      SUM(CASE WHEN type IN ('conversion', 'click_earnings') AND created_at > ${cutoff} THEN amount_cents ELSE 0 END) AS recent,
      SUM(CASE WHEN type = 'payout' THEN amount_cents ELSE 0 END) AS paid
    FROM wallet_entries
    WHERE ${partners}
      AND ((type IN ('conversion', 'click_earnings', 'adjustment') AND status = 'confirmed') OR (type = 'payout' AND status = 'paid'))
    GROUP BY partner_id`
  return rows.map((r) => [
    r.partner_id === null ? null : toNumber(r.partner_id),
    { confirmedCents: toNumber(r.confirmed), recentConfirmedCents: toNumber(r.recent), paidEntriesCents: toNumber(r.paid) },
  ])
}

/** The same sums as partnerSums for several partners, in one pass over their entries. */
export async function sumsByPartner(db: Queryable, partnerIds: readonly number[], cutoff: Date): Promise<Map<number, PartnerSums>> {
  const rows = await groupedSums(db, cutoff, sql`partner_id IN (${join(partnerIds)})`)
  return new Map(rows.filter((r): r is [number, PartnerSums] => r[0] !== null))
}

/**
 * Confirmed conversion entries created in [from, to): counted, their earnings
 * (`cents`) and their revenue summed (index on type, status, created_at, amount).
 */
export async function confirmedConversionsWithin(
  db: Queryable,
  from: Date,
  to: Date,
): Promise<{ count: number; cents: number; revenueCents: number }> {
  const rows = await clientOf(db).$queryRaw<{ n: unknown; cents: unknown; revenue: unknown }[]>`
    SELECT COUNT(*) AS n, SUM(amount_cents) AS cents, SUM(coalesce(revenue_cents, amount_cents)) AS revenue FROM wallet_entries
    WHERE type = 'conversion' AND status = 'confirmed' AND created_at >= ${from} AND created_at < ${to}`
  return { count: toNumber(rows[0]?.n), cents: toNumber(rows[0]?.cents), revenueCents: toNumber(rows[0]?.revenue) }
}

/** Conversion entries created in [from, to), any status. */
export function conversionsCreatedWithin(db: Queryable, from: Date, to: Date): Promise<number> {
  return clientOf(db).walletEntry.count({ where: { type: 'conversion', createdAt: { gte: from, lt: to } } })
}

/** Entries booked with a flag. */
export function flaggedEntryCount(db: Queryable): Promise<number> {
  // Only conversions carry a flag; filtering on the type too would make SQLite walk every conversion instead of the flag index.
  return clientOf(db).walletEntry.count({ where: { flag: { not: null } } })
}

// ——— One partner's entries ———

const conversionSelect = {
  id: true,
  status: true,
  amountCents: true,
  originalAmount: true,
  originalCurrency: true,
  txnId: true,
  flag: true,
  createdAt: true,
  network: { select: { slug: true } },
} as const satisfies Prisma.WalletEntrySelect

export type PartnerConversion = Prisma.WalletEntryGetPayload<{ select: typeof conversionSelect }>

/** A partner's latest conversion entries, newest first. */
export function latestConversionsOf(db: Queryable, partnerId: number, take: number): Promise<PartnerConversion[]> {
  return clientOf(db).walletEntry.findMany({
    where: { partnerId, type: 'conversion' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: conversionSelect,
  })
}

/** A paid payout's entry (negative amount); payout_id is unique, so a payout is never booked twice. */
export async function insertPayoutEntry(
  db: Queryable,
  entry: { partnerId: number; payoutId: number; amountCents: number; at: Date },
): Promise<void> {
  await clientOf(db).walletEntry.create({
    data: {
      partnerId: entry.partnerId,
      type: 'payout',
      status: 'paid',
      amountCents: entry.amountCents,
      payoutId: entry.payoutId,
      createdAt: entry.at,
      updatedAt: entry.at,
    },
  })
}

// ——— Console corrections and adjustments (src/ledger/corrections.ts) ———

/** A conversion entry as a correction reads it before changing it. */
export function conversionForCorrection(db: Queryable, id: number) {
  return clientOf(db).walletEntry.findFirst({
    where: { id, type: 'conversion' },
    select: {
      id: true,
      partnerId: true,
      status: true,
      amountCents: true,
      flag: true,
      revenueCents: true,
      termsMode: true,
      termsValue: true,
    },
  })
}

/**
 * Changes a conversion only if it is still as it was read (status, amount,
 * partner, flag): gives the rows changed, 0 when a concurrent change got there first.
 */
export async function updateConversionIfUnchanged(
  db: Queryable,
  read: { id: number; status: string; amountCents: number; partnerId: number | null; flag: string | null },
  data: { status?: string; amountCents?: number; revenueCents?: number; partnerId?: number; flag?: null },
  now: Date,
): Promise<number> {
  const { id, status, amountCents, partnerId, flag } = read
  const changed = await clientOf(db).walletEntry.updateMany({
    where: { id, type: 'conversion', status, amountCents, partnerId, flag },
    data: { ...data, updatedAt: now },
  })
  return changed.count
}

/** A confirmed adjustment entry (± cents) for a partner; gives its id. */
export async function insertAdjustmentEntry(db: Queryable, entry: { partnerId: number; amountCents: number; at: Date }): Promise<number> {
  const created = await clientOf(db).walletEntry.create({
    data: {
      partnerId: entry.partnerId,
      type: 'adjustment',
      status: 'confirmed',
      amountCents: entry.amountCents,
      createdAt: entry.at,
      updatedAt: entry.at,
    },
    select: { id: true },
  })
  return created.id
}

/** One history step written by the console (source `console`). */
export async function insertConsoleHistory(
  db: Queryable,
  step: { entryId: number; fromStatus: string | null; toStatus: string; word: string; amountCents: number | null; at: Date },
): Promise<void> {
  await clientOf(db).walletEntryHistory.create({
    data: {
      entryId: step.entryId,
      fromStatus: step.fromStatus,
      toStatus: step.toStatus,
      networkWord: step.word,
      amountCents: step.amountCents,
      source: 'console',
      changedAt: step.at,
    },
  })
}

// ——— Conversions as the read API shows them ———

const conversionDetailSelect = {
  ...conversionFields,
  history: {
    select: { changedAt: true, fromStatus: true, toStatus: true, amountCents: true, networkWord: true, source: true },
    orderBy: { id: 'asc' },
  },
} as const satisfies Prisma.WalletEntrySelect

export type ConversionDetail = Prisma.WalletEntryGetPayload<{ select: typeof conversionDetailSelect }>

/** A conversion by its id, with its history in order. */
export function conversionById(db: Queryable, id: number): Promise<ConversionDetail | null> {
  return clientOf(db).walletEntry.findFirst({ where: { id, type: 'conversion' }, select: conversionDetailSelect })
}

/** One network's conversion by its txn id (unique per network), with its history in order. */
export function conversionByTxn(db: Queryable, networkSlug: string, txnId: string): Promise<ConversionDetail | null> {
  return clientOf(db).walletEntry.findFirst({
    where: { type: 'conversion', txnId, network: { slug: networkSlug } },
    select: conversionDetailSelect,
  })
}

export interface ConversionFilter {
  networkSlug?: string
  status?: string
  /** A flag word; "any": flagged; "none": clean. */
  flag?: string
  partnerId?: number
  /** createdAt ≥ from */
  from?: Date
  /** createdAt < to */
  to?: Date
}

/** Newest first, after the keyset cursor (createdAt, id) of the previous page's last item. */
export function conversionsPage(
  db: Queryable,
  filter: ConversionFilter,
  after: { createdAt: Date; id: number } | null,
  take: number,
): Promise<ConversionDetail[]> {
  const where: Prisma.WalletEntryWhereInput = { type: 'conversion' }
  if (filter.networkSlug !== undefined) where.network = { slug: filter.networkSlug }
  if (filter.status !== undefined) where.status = filter.status
  if (filter.flag === 'any') where.flag = { not: null }
  else if (filter.flag === 'none') where.flag = null
  else if (filter.flag !== undefined) where.flag = filter.flag
  if (filter.partnerId !== undefined) where.partnerId = filter.partnerId
  if (filter.from !== undefined || filter.to !== undefined) where.createdAt = { gte: filter.from, lt: filter.to }
  const keyset: Prisma.WalletEntryWhereInput | null = after
    ? { OR: [{ createdAt: { lt: after.createdAt } }, { createdAt: after.createdAt, id: { lt: after.id } }] }
    : null
  return clientOf(db).walletEntry.findMany({
    where: keyset ? { AND: [where, keyset] } : where,
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take,
    select: conversionDetailSelect,
  })
}

// ——— The postback batch (direct SQL, inside the ledger's transaction) ———

export interface EntryKeyRow {
  id: number
  networkId: number
  txnId: string
  status: string
  /** cents: the revenue (what the network pays; the amount where no revenue was stored). */
  money: { cents: number; originalAmount: string | null; currency: string | null; rate: string | null }
  /** The terms the entry was booked under; null: before terms existed (revshare 100 %). */
  terms: { mode: string | null; value: number | null }
}

/** The conversions these (network, txn id) keys name, with their money: one indexed probe each, one statement. */
export async function entriesByKey(
  db: SqlRunner,
  provider: Provider,
  keys: readonly { networkId: number; txnId: string }[],
): Promise<EntryKeyRow[]> {
  if (keys.length === 0) return []
  const wanted = jsonRowsSelect(
    provider,
    [
      ['network_id', 'int'],
      ['txn_id', 'text'],
    ],
    keys.map((k) => [k.networkId, k.txnId]),
  )
  const rows = await db.query<{
    id: number | bigint
    network_id: number | bigint
    txn_id: string
    status: string
    amount_cents: number | bigint
    original_amount: string | null
    original_currency: string | null
    fx_rate: string | null
    terms_mode: string | null
    terms_value: number | bigint | null
  }>(sql`
    SELECT e.id, e.network_id, e.txn_id, e.status, coalesce(e.revenue_cents, e.amount_cents) AS amount_cents, e.original_amount,
      e.original_currency, e.fx_rate, e.terms_mode, e.terms_value
    FROM (${wanted}) AS k
    JOIN wallet_entries e ON e.network_id = k.network_id AND e.txn_id = k.txn_id`)
  return rows.map((e) => ({
    id: Number(e.id),
    networkId: Number(e.network_id),
    txnId: e.txn_id,
    status: e.status,
    money: { cents: Number(e.amount_cents), originalAmount: e.original_amount, currency: e.original_currency, rate: e.fx_rate },
    terms: { mode: e.terms_mode, value: e.terms_value === null ? null : Number(e.terms_value) },
  }))
}

/** The last history step of each of these entries (a return is checked against it: a retry is not a second return). */
export async function lastHistorySteps(
  db: SqlRunner,
  entryIds: readonly number[],
): Promise<Map<number, { toStatus: string; amountCents: number | null }>> {
  if (entryIds.length === 0) return new Map()
  const rows = await db.query<{ entry_id: number | bigint; to_status: string; amount_cents: number | bigint | null }>(sql`
    SELECT h.entry_id, h.to_status, h.amount_cents FROM wallet_entry_history h
    WHERE h.id IN (SELECT MAX(id) FROM wallet_entry_history WHERE entry_id IN (${join(entryIds)}) GROUP BY entry_id)`)
  return new Map(
    rows.map((r) => [Number(r.entry_id), { toStatus: r.to_status, amountCents: r.amount_cents === null ? null : Number(r.amount_cents) }]),
  )
}

export interface NewConversionEntry {
  partnerId: number | null
  status: string
  /** What the partner earns. */
  amountCents: number
  /** What the network pays. */
  revenueCents: number
  termsMode: string
  termsValue: number
  originalAmount: string | null
  originalCurrency: string | null
  fxRate: string | null
  networkId: number
  txnId: string
  clickId: string
  assignmentId: number
  flag: string | null
}

const ENTRY_COLUMNS = [
  ['partner_id', 'int'],
  ['type', 'text'],
  ['status', 'text'],
  ['amount_cents', 'int'],
  ['original_amount', 'text'],
  ['original_currency', 'text'],
  ['fx_rate', 'text'],
  ['network_id', 'int'],
  ['txn_id', 'text'],
  ['click_id', 'text'],
  ['assignment_id', 'int'],
  ['flag', 'text'],
  ['revenue_cents', 'int'],
  ['terms_mode', 'text'],
  ['terms_value', 'int'],
  ['created_at', 'ms'],
  ['updated_at', 'ms'],
] as const satisfies readonly JsonColumn[]

/** Inserts conversion entries; gives their ids by (network, txn id) key, as `keyOf` spells it. */
export async function insertConversionEntries(
  db: SqlRunner,
  provider: Provider,
  entries: readonly NewConversionEntry[],
  now: Date,
  keyOf: (networkId: number, txnId: string) => string,
): Promise<Map<string, number>> {
  if (entries.length === 0) return new Map()
  const rows = entries.map((c) => [
    c.partnerId,
    'conversion',
    c.status,
    c.amountCents,
    c.originalAmount,
    c.originalCurrency,
    c.fxRate,
    c.networkId,
    c.txnId,
    c.clickId,
    c.assignmentId,
    c.flag,
    c.revenueCents,
    c.termsMode,
    c.termsValue,
    now.getTime(),
    now.getTime(),
  ])
  const created = await db.query<{ id: number | bigint; network_id: number | bigint; txn_id: string }>(sql`
    INSERT INTO wallet_entries (partner_id, type, status, amount_cents, original_amount, original_currency, fx_rate,
                                network_id, txn_id, click_id, assignment_id, flag, revenue_cents, terms_mode, terms_value,
                                created_at, updated_at)
    ${jsonRowsSelect(provider, ENTRY_COLUMNS, rows)}
    RETURNING id, network_id, txn_id`)
  // Matched by their unique key: the order rows come back in is not promised.
  return new Map(created.map((e) => [keyOf(Number(e.network_id), e.txn_id), Number(e.id)]))
}

/**
 * Moves an entry to its new status and, when given, its new money (the revenue
 * `cents` and the earnings `earningsCents` of the entry's own terms): a
 * conditional update (WHERE status and revenue are still those read). Gives the
 * rows changed: 0 when a concurrent change got there first.
 */
export function updateEntryStatus(
  db: SqlRunner,
  change: {
    id: number
    from: string
    fromCents: number
    to: string
    money: { cents: number; earningsCents: number; originalAmount: string | null; currency: string | null; rate: string | null } | null
    now: Date
  },
): Promise<number> {
  const m = change.money
  const money = m
    ? sql`, amount_cents = ${m.earningsCents}, revenue_cents = ${m.cents}, original_amount = ${m.originalAmount},
        original_currency = ${m.currency}, fx_rate = ${m.rate}`
    : empty
  return db.execute(sql`
    UPDATE wallet_entries SET status = ${change.to}, updated_at = ${change.now}${money}
    WHERE id = ${change.id} AND status = ${change.from} AND coalesce(revenue_cents, amount_cents) = ${change.fromCents}`)
}

export interface NewHistoryRow {
  entryId: number
  fromStatus: string | null
  toStatus: string
  networkWord: string
  amountCents: number | null
  source: string
  postbackLogId: number | null
}

const HISTORY_COLUMNS = [
  ['entry_id', 'int'],
  ['from_status', 'text'],
  ['to_status', 'text'],
  ['network_word', 'text'],
  ['amount_cents', 'int'],
  ['source', 'text'],
  ['postback_log_id', 'int'],
  ['changed_at', 'ms'],
] as const satisfies readonly JsonColumn[]

/** The history of every change, carrying the network's own word, the amount it sent and the change's source. */
export async function insertEntryHistory(db: SqlRunner, provider: Provider, history: readonly NewHistoryRow[], now: Date): Promise<void> {
  if (history.length === 0) return
  const rows: JsonValue[][] = history.map((h) => [
    h.entryId,
    h.fromStatus,
    h.toStatus,
    h.networkWord,
    h.amountCents,
    h.source,
    h.postbackLogId,
    now.getTime(),
  ])
  await db.execute(sql`
    INSERT INTO wallet_entry_history (entry_id, from_status, to_status, network_word, amount_cents, source, postback_log_id, changed_at)
    ${jsonRowsSelect(provider, HISTORY_COLUMNS, rows)}`)
}
