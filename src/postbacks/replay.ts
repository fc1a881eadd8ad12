// Replays logged postbacks that did not go through (rejected, or failed on our
// side, or stuck "received" because the process died mid-way) once their cause is
// fixed: a network registered, a currency added to FX_RATES, a status word
// mapped. Each replay goes through the very same checks and apply as a live
// request, so it is idempotent: a conversion already in the ledger stays a
// duplicate, and replaying twice changes nothing more.
//
// The logged token is masked. A masked token keeps a keyed fingerprint, so the
// replay still verifies it against the network's current token; a bare "***"
// (logs written without fingerprints) skips the token check: replaying is the
// operator's decision. Requests refused for their token or source IP
// ("forbidden") are never replayed: the network must send them again. Nor is a
// line that was truncated (a request that failed authentication, logged in a
// bounded form): what is left of it is not what the network sent.
import { postbackLogsToReplay } from '../db/queries/postback-logs.ts'
import { MINUTE_MS } from '../time.ts'
import { replayLoggedPostback, type PostbackContext, type Verdict } from './receive-postback.ts'
import { IMPORT_METHOD, replayImportedLine } from './import.ts'
import { readPostbackParams } from './params.ts'
import type { LogOutcome } from './postback-log.ts'
import { isTruncated, TRUNCATION_SUFFIX } from './unauthenticated-log.ts'

export const REPLAYABLE: readonly LogOutcome[] = ['rejected', 'error']
/** A "received" line older than this belongs to a request that never finished. */
export const STUCK_AFTER_MS = 5 * MINUTE_MS
export const TRUNCATED_REASON = 'truncated in the log (it failed authentication, only its start was kept): the network must send it again'

export interface ReplayOptions {
  /** Replay these log lines only (still only if replayable). */
  ids?: number[]
  limit?: number
  dryRun?: boolean
  now?: Date
}

export interface ReplayResult {
  logId: number
  network: string | null
  before: string
  /** null in a dry run, or when skipped. */
  after: Verdict['outcome'] | null
  /** The replay's code (as a live postback's: ok, duplicate, bad_currency, …); null when not replayed. */
  code: Verdict['code'] | null
  reason: string | null
  /** The replay's whole verdict; null when not replayed. */
  verdict: Verdict | null
  skipped?: string
}

export async function replayPostbacks(ctx: PostbackContext, options: ReplayOptions = {}): Promise<ReplayResult[]> {
  const now = options.now ?? new Date()
  // Truncated lines are never replayed (nor listed, unless asked for by id).
  const logs = await postbackLogsToReplay(ctx.database, {
    ids: options.ids,
    outcomes: REPLAYABLE,
    stuckBefore: new Date(now.getTime() - STUCK_AFTER_MS),
    truncationSuffix: TRUNCATION_SUFFIX,
    limit: options.limit ?? 1000,
  })
  const results: ReplayResult[] = []
  for (const log of logs) {
    const base = { logId: log.id, network: log.networkSlug, before: log.outcome }
    const isStuck = log.outcome === 'received' && log.receivedAt.getTime() < now.getTime() - STUCK_AFTER_MS
    if (!REPLAYABLE.includes(log.outcome as LogOutcome) && !isStuck) {
      const why = log.outcome === 'forbidden' ? 'refused for its token or IP: the network must send it again' : `already ${log.outcome}`
      results.push({ ...base, after: null, code: null, verdict: null, reason: log.reason, skipped: why })
      continue
    }
    if (isTruncated(log.rawQuery) || isTruncated(log.rawBody)) {
      results.push({ ...base, after: null, code: null, verdict: null, reason: log.reason, skipped: TRUNCATED_REASON })
      continue
    }
    if (options.dryRun) {
      results.push({ ...base, after: null, code: null, verdict: null, reason: log.reason })
      continue
    }
    if (log.method === IMPORT_METHOD) {
      // An imported line: read with its file's header (import.ts), not as a request.
      const verdict = await replayImportedLine(ctx, log, now)
      results.push({ ...base, after: verdict.outcome, code: verdict.code, reason: verdict.reason, verdict })
      continue
    }
    const bodyKind = log.rawBody === null ? null : log.rawBody.trimStart().startsWith('{') ? 'json' : 'form'
    const read = readPostbackParams(log.rawQuery, log.rawBody, bodyKind)
    const verdict = await replayLoggedPostback(ctx, read, { logId: log.id, sourceIp: log.sourceIp, replayedAt: now })
    results.push({ ...base, after: verdict.outcome, code: verdict.code, reason: verdict.reason, verdict })
  }
  return results
}
