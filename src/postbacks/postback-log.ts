// The postback log: every request a network sends, written before anything else
// touches the ledger (token masked), with its verdict. Nothing a network sends is
// lost, and a rejected postback can be replayed from it once its cause is fixed.
import type { Database, DbWriter } from '../db/client.ts'
import type { SqlRunner } from '../db/hot/index.ts'
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'
import type { Provider } from '../db/provider.ts'
import { jsonRowsSelect, type JsonColumn } from '../db/hot/index.ts'

export const POSTBACK_OUTCOMES = ['received', 'accepted', 'duplicate', 'updated', 'rejected', 'forbidden', 'error'] as const
export type PostbackOutcome = (typeof POSTBACK_OUTCOMES)[number]

export interface ReceivedPostback {
  method: string
  /** Query string as received, token masked. */
  rawQuery: string
  /** Body as received, token masked; null without a body. */
  rawBody: string | null
  sourceIp: string | null
  networkSlug: string | null
  /** Known at once when the request is refused before reaching the ledger, or is a known repeat; otherwise "received". */
  verdict?: { outcome: Exclude<PostbackOutcome, 'received'>; reason: string | null; entryId?: number | null }
}

export interface PostbackVerdict {
  outcome: Exclude<PostbackOutcome, 'received'>
  reason?: string | null
  entryId?: number | null
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

const contentKey = (r: { method: string; rawQuery: string; rawBody: string | null; sourceIp: string | null }) =>
  JSON.stringify([r.method, r.rawQuery, r.rawBody, r.sourceIp])

/**
 * Writes log lines, many in one statement, and returns their ids in the order
 * given. Rows are matched back by content: two rows with the same content are
 * the same request sent twice, so which id goes to which does not matter.
 */
export async function openPostbackLogs(
  database: Pick<Database, 'sql' | 'provider'>,
  received: readonly ReceivedPostback[],
): Promise<number[]> {
  return insertPostbackLogs(database.sql, database.provider, received)
}

/** openPostbackLogs on a runner of the caller's (`db` may be a transaction). */
export async function insertPostbackLogs(db: SqlRunner, provider: Provider, received: readonly ReceivedPostback[]): Promise<number[]> {
  if (received.length === 0) return []
  const now = new Date()
  // One INSERT … SELECT over the lines as one JSON parameter (db/hot/json-rows.ts).
  const lines = received.map((r) => [
    r.method,
    r.rawQuery,
    r.rawBody,
    r.sourceIp,
    r.networkSlug,
    r.verdict?.outcome ?? 'received',
    r.verdict?.reason?.slice(0, 500) ?? null,
    r.verdict?.entryId ?? null,
    now.getTime(),
    r.verdict ? now.getTime() : null,
  ])
  const rows = await db.query<{
    id: number
    method: string
    raw_query: string
    raw_body: string | null
    source_ip: string | null
  }>(SqlTag.sql`
    INSERT INTO postback_logs (method, raw_query, raw_body, source_ip, network_slug, outcome, reason, entry_id, received_at, processed_at)
    ${jsonRowsSelect(provider, LOG_COLUMNS, lines)}
    RETURNING id, method, raw_query, raw_body, source_ip`)
  const idsByContent = new Map<string, number[]>()
  for (const row of rows) {
    const key = contentKey({ method: row.method, rawQuery: row.raw_query, rawBody: row.raw_body, sourceIp: row.source_ip })
    const ids = idsByContent.get(key)
    if (ids) ids.push(Number(row.id))
    else idsByContent.set(key, [Number(row.id)])
  }
  return received.map((r) => idsByContent.get(contentKey(r))!.shift()!)
}

/** Completes a log line; `db` may be a transaction. */
export async function closePostbackLog(db: DbWriter, id: number, verdict: PostbackVerdict): Promise<void> {
  await db.postbackLog.update({
    where: { id },
    data: {
      outcome: verdict.outcome,
      reason: verdict.reason ? verdict.reason.slice(0, 500) : null,
      entryId: verdict.entryId ?? null,
      processedAt: new Date(),
      ...(verdict.replayedAt ? { replayedAt: verdict.replayedAt } : {}),
    },
  })
}
