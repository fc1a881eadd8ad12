// The statements of the postback log's retention (postbacks/log-retention.ts):
// a page of old lines in received_at order, and the deletion of those of them
// that no wallet entry is tied to.
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'
import type { Database } from './client.ts'
import { jsonRowsSelect } from './hot/index.ts'

export interface OldLogLine {
  id: number
  /** received_at, epoch milliseconds. */
  atMs: number
  entryId: number | null
}

/** Up to `limit` lines received before `cutoff`, after `cursor` in (received_at, id) order (read from the received_at index). */
export async function oldPostbackLogPage(
  database: Pick<Database, 'sql' | 'provider'>,
  cutoff: Date,
  cursor: { atMs: number; id: number } | null,
  limit: number,
): Promise<OldLogLine[]> {
  const atMs =
    database.provider === 'postgresql'
      ? SqlTag.raw('(extract(epoch from received_at) * 1000)::bigint')
      : SqlTag.raw('CAST(received_at AS INTEGER)')
  const at = cursor ? new Date(cursor.atMs) : null
  const after = cursor ? SqlTag.sql`AND received_at >= ${at} AND (received_at > ${at} OR id > ${cursor.id})` : SqlTag.empty
  const rows = await database.sql.query<{ id: number | string; at_ms: number | string; entry_id: number | string | null }>(SqlTag.sql`
    SELECT id, ${atMs} AS at_ms, entry_id FROM postback_logs
    WHERE received_at < ${cutoff} ${after}
    ORDER BY received_at, id LIMIT ${limit}`)
  return rows.map((r) => ({ id: Number(r.id), atMs: Number(r.at_ms), entryId: r.entry_id === null ? null : Number(r.entry_id) }))
}

/** Deletes these lines, but for any tied to an entry by now (a replay may have done so since they were read). */
export async function deleteUntiedPostbackLogs(database: Pick<Database, 'sql' | 'provider'>, ids: readonly number[]): Promise<number> {
  if (ids.length === 0) return 0
  return database.sql.execute(SqlTag.sql`
    DELETE FROM postback_logs WHERE entry_id IS NULL
    AND id IN (SELECT id FROM (${jsonRowsSelect(
      database.provider,
      [['id', 'int']],
      ids.map((id) => [id]),
    )}) AS d)`)
}
