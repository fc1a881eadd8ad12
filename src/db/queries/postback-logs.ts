// The postback log's rows: lines written many at a time, their verdicts (in the
// ledger's transaction, or alone on a refusal, a fault or a replay: the same
// statement either way), the lines a replay picks up, and the retention's pages.
// Direct SQL (src/db/hot) with the lines as one JSON parameter.
import type { Provider } from '../provider.ts'
import { jsonRowsSelect, msOf, type JsonColumn, type JsonValue, type SqlRunner } from '../hot/index.ts'
import { empty, raw, sql } from '../sql.ts'
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export const POSTBACK_OUTCOMES = ['received', 'accepted', 'duplicate', 'updated', 'rejected', 'forbidden', 'error'] as const
export type PostbackLogOutcome = (typeof POSTBACK_OUTCOMES)[number]

export interface NewPostbackLogLine {
  method: string
  rawQuery: string
  rawBody: string | null
  sourceIp: string | null
  networkSlug: string | null
  /** Known at once for a request refused before the ledger, or a known repeat; otherwise the line is "received". */
  verdict?: { outcome: Exclude<PostbackLogOutcome, 'received'>; reason: string | null; entryId?: number | null }
}

export interface PostbackLogVerdict {
  logId: number
  outcome: Exclude<PostbackLogOutcome, 'received'>
  reason: string | null
  entryId: number | null
  /** Set when the verdict comes from a replay. */
  replayedAt?: Date
}

const LOG_COLUMNS = [
  ['method', 'text'],
  ['raw_query', 'text'],
  ['raw_body', 'text'],
  ['source_ip', 'text'],
  ['network_slug', 'text'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['entry_id', 'int'],
  ['received_at', 'ms'],
  ['processed_at', 'ms'],
] as const satisfies readonly JsonColumn[]

const VERDICT_COLUMNS = [
  ['id', 'int'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['entry_id', 'int'],
  ['replayed_at', 'ms'],
] as const satisfies readonly JsonColumn[]

/** The longest reason a log line keeps. */
const REASON_CHARS = 500

const contentKey = (r: { method: string; rawQuery: string; rawBody: string | null; sourceIp: string | null }) =>
  JSON.stringify([r.method, r.rawQuery, r.rawBody, r.sourceIp])

/**
 * Writes log lines, many in one statement, and returns their ids in the order
 * given. Rows are matched back by content: two rows with the same content are
 * the same request sent twice, so which id goes to which does not matter.
 */
export async function insertPostbackLogs(db: SqlRunner, provider: Provider, lines: readonly NewPostbackLogLine[]): Promise<number[]> {
  if (lines.length === 0) return []
  const now = new Date()
  const rows = lines.map((r) => [
    r.method,
    r.rawQuery,
    r.rawBody,
    r.sourceIp,
    r.networkSlug,
    r.verdict?.outcome ?? 'received',
    r.verdict?.reason?.slice(0, REASON_CHARS) ?? null,
    r.verdict?.entryId ?? null,
    now.getTime(),
    r.verdict ? now.getTime() : null,
  ])
  const inserted = await db.query<{
    id: number | bigint
    method: string
    raw_query: string
    raw_body: string | null
    source_ip: string | null
  }>(sql`
    INSERT INTO postback_logs (method, raw_query, raw_body, source_ip, network_slug, outcome, reason, entry_id, received_at, processed_at)
    ${jsonRowsSelect(provider, LOG_COLUMNS, rows)}
    RETURNING id, method, raw_query, raw_body, source_ip`)
  const idsByContent = new Map<string, number[]>()
  for (const row of inserted) {
    const key = contentKey({ method: row.method, rawQuery: row.raw_query, rawBody: row.raw_body, sourceIp: row.source_ip })
    const ids = idsByContent.get(key)
    if (ids) ids.push(Number(row.id))
    else idsByContent.set(key, [Number(row.id)])
  }
  return lines.map((r) => idsByContent.get(contentKey(r))!.shift()!)
}

/** Each line's verdict: one UPDATE … FROM for all of them; `db` may be a transaction. */
export async function writePostbackVerdicts(db: SqlRunner, provider: Provider, verdicts: readonly PostbackLogVerdict[]): Promise<void> {
  if (verdicts.length === 0) return
  const rows: JsonValue[][] = verdicts.map((v) => [
    v.logId,
    v.outcome,
    v.reason?.slice(0, REASON_CHARS) ?? null,
    v.entryId,
    msOf(v.replayedAt),
  ])
  await db.execute(sql`
    UPDATE postback_logs SET
      outcome = v.outcome, reason = v.reason, entry_id = v.entry_id, processed_at = ${new Date()},
      replayed_at = COALESCE(v.replayed_at, postback_logs.replayed_at)
    FROM (${jsonRowsSelect(provider, VERDICT_COLUMNS, rows)}) AS v
    WHERE postback_logs.id = v.id`)
}

// ——— Replay ———

export interface ReplayableQuery {
  /** These lines only (whatever their outcome: the caller says which it replays). */
  ids?: readonly number[]
  outcomes: readonly PostbackLogOutcome[]
  /** A "received" line received before this never finished. */
  stuckBefore: Date
  /** Lines whose query or body ends so were cut in the log: left out. */
  truncationSuffix: string
  limit: number
}

/** The lines a replay considers, oldest first. */
export function postbackLogsToReplay(db: Queryable, q: ReplayableQuery) {
  const replayable = {
    OR: [{ outcome: { in: [...q.outcomes] } }, { outcome: 'received', receivedAt: { lt: q.stuckBefore } }],
    // Left out here so that many of them cannot hide the rest.
    NOT: { rawQuery: { endsWith: q.truncationSuffix } },
    AND: { OR: [{ rawBody: null }, { NOT: { rawBody: { endsWith: q.truncationSuffix } } }] },
  }
  return clientOf(db).postbackLog.findMany({
    where: q.ids ? { id: { in: [...q.ids] } } : replayable,
    orderBy: { id: 'asc' },
    take: q.limit,
  })
}

// ——— Retention ———

export interface OldLogLine {
  id: number
  /** received_at, epoch milliseconds. */
  atMs: number
  entryId: number | null
}

/** Up to `limit` lines received before `cutoff`, after `cursor` in (received_at, id) order (read from the received_at index). */
export async function oldPostbackLogPage(
  db: SqlRunner,
  provider: Provider,
  cutoff: Date,
  cursor: { atMs: number; id: number } | null,
  limit: number,
): Promise<OldLogLine[]> {
  const atMs = provider === 'postgresql' ? raw('(extract(epoch from received_at) * 1000)::bigint') : raw('CAST(received_at AS INTEGER)')
  const at = cursor ? new Date(cursor.atMs) : null
  const after = cursor ? sql`AND received_at >= ${at} AND (received_at > ${at} OR id > ${cursor.id})` : empty
  const rows = await db.query<{ id: number | string; at_ms: number | string; entry_id: number | string | null }>(sql`
    SELECT id, ${atMs} AS at_ms, entry_id FROM postback_logs
    WHERE received_at < ${cutoff} ${after}
    ORDER BY received_at, id LIMIT ${limit}`)
  return rows.map((r) => ({ id: Number(r.id), atMs: Number(r.at_ms), entryId: r.entry_id === null ? null : Number(r.entry_id) }))
}

/** Deletes these lines, but for any tied to an entry by now (a replay may have done so since they were read). */
export async function deleteUntiedPostbackLogs(db: SqlRunner, provider: Provider, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0
  return db.execute(sql`
    DELETE FROM postback_logs WHERE entry_id IS NULL
    AND id IN (SELECT id FROM (${jsonRowsSelect(
      provider,
      [['id', 'int']],
      ids.map((id) => [id]),
    )}) AS d)`)
}

// ——— The console's log (/admin/postbacks) ———

export interface PostbackLogFilter {
  outcome?: PostbackLogOutcome
  /** The reason exactly as stored (indexed). */
  reason?: string
  networkSlug?: string
  sourceIp?: string
  /** received_at ≥ from */
  from?: Date
  /** received_at < to */
  to?: Date
  /** These lines only (by primary key). */
  ids?: readonly number[]
}

/** Where a page of the log starts: after the last line of the previous one, newest first. */
export interface PostbackLogKey {
  receivedAt: Date
  id: number
}

function logFilterWhere(filter: PostbackLogFilter): Prisma.PostbackLogWhereInput {
  const where: Prisma.PostbackLogWhereInput = {}
  if (filter.outcome !== undefined) where.outcome = filter.outcome
  if (filter.reason !== undefined) where.reason = filter.reason
  if (filter.networkSlug !== undefined) where.networkSlug = filter.networkSlug
  if (filter.sourceIp !== undefined) where.sourceIp = filter.sourceIp
  if (filter.from !== undefined || filter.to !== undefined) where.receivedAt = { gte: filter.from, lt: filter.to }
  if (filter.ids !== undefined) where.id = { in: [...filter.ids] }
  return where
}

// received_at ≤ the key bounds the index range (an OR alone would scan from the newest line).
const beforeKey = (key: PostbackLogKey): Prisma.PostbackLogWhereInput => ({
  receivedAt: { lte: key.receivedAt },
  OR: [{ receivedAt: { lt: key.receivedAt } }, { id: { lt: key.id } }],
})

/** One page of the log, newest first (received_at, id), after `after`: each filter has its index. */
export function postbackLogPage(db: Queryable, filter: PostbackLogFilter, after: PostbackLogKey | null, take: number) {
  const where = logFilterWhere(filter)
  return clientOf(db).postbackLog.findMany({
    where: after ? { AND: [where, beforeKey(after)] } : where,
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take,
  })
}

/** One log line, whole. */
export function postbackLogById(db: Queryable, id: number) {
  return clientOf(db).postbackLog.findUnique({ where: { id } })
}

/**
 * The ids of up to `limit` lines of the selection a replay would take (replayable
 * outcomes, or "received" and stuck; not truncated), newest first as listed.
 */
export async function replayableLogIds(
  db: Queryable,
  filter: PostbackLogFilter,
  q: Pick<ReplayableQuery, 'outcomes' | 'stuckBefore' | 'truncationSuffix' | 'limit'>,
): Promise<number[]> {
  const rows = await clientOf(db).postbackLog.findMany({
    where: {
      AND: [
        logFilterWhere(filter),
        { OR: [{ outcome: { in: [...q.outcomes] } }, { outcome: 'received', receivedAt: { lt: q.stuckBefore } }] },
        { NOT: { rawQuery: { endsWith: q.truncationSuffix } } },
        { OR: [{ rawBody: null }, { NOT: { rawBody: { endsWith: q.truncationSuffix } } }] },
      ],
    },
    orderBy: [{ receivedAt: 'desc' }, { id: 'desc' }],
    take: q.limit,
    select: { id: true },
  })
  return rows.map((r) => r.id)
}

/** The txn id of each entry the log lines touched. */
export async function txnIdsOfEntries(db: Queryable, entryIds: readonly number[]): Promise<Map<number, string>> {
  if (entryIds.length === 0) return new Map()
  const rows = await clientOf(db).walletEntry.findMany({
    where: { id: { in: [...new Set(entryIds)] } },
    select: { id: true, txnId: true },
  })
  return new Map(rows.flatMap((r) => (r.txnId === null ? [] : [[r.id, r.txnId] as const])))
}
