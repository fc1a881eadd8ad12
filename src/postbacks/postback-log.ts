// The postback log: every request a network sends, written before anything else
// touches the ledger (token masked), with its verdict. Nothing a network sends is
// lost, and a rejected postback can be replayed from it once its cause is fixed.
// Lines and verdicts go through one query module (src/db/queries/postback-logs.ts),
// inside the ledger's transaction or alone.
import type { Database } from '../db/client.ts'
import {
  insertPostbackLogs,
  POSTBACK_OUTCOMES,
  writePostbackVerdicts,
  type NewPostbackLogLine,
  type PostbackLogOutcome,
} from '../db/queries/postback-logs.ts'

export { POSTBACK_OUTCOMES }
/** What a log line says of its request: "received" until its verdict is written. */
export type LogOutcome = PostbackLogOutcome

/** A request as its log line keeps it: token masked; verdict known at once when refused before the ledger, or a known repeat. */
export type ReceivedPostback = NewPostbackLogLine

export interface LogVerdict {
  outcome: Exclude<LogOutcome, 'received'>
  reason?: string | null
  entryId?: number | null
  /** Set when the verdict comes from a replay. */
  replayedAt?: Date
}

/** Writes log lines, many in one statement; their ids in the order given. */
export function openPostbackLogs(database: Pick<Database, 'sql' | 'provider'>, received: readonly ReceivedPostback[]): Promise<number[]> {
  return insertPostbackLogs(database.sql, database.provider, received)
}

/** Completes a log line: the same statement the ledger's transaction writes its verdicts with. */
export function closePostbackLog(database: Pick<Database, 'sql' | 'provider'>, logId: number, verdict: LogVerdict): Promise<void> {
  return writePostbackVerdicts(database.sql, database.provider, [
    { logId, outcome: verdict.outcome, reason: verdict.reason || null, entryId: verdict.entryId ?? null, replayedAt: verdict.replayedAt },
  ])
}
