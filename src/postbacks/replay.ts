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
import { replayLoggedPostback, type PostbackContext } from './receive-postback.ts'
import { readPostbackParams } from './params.ts'
import type { PostbackOutcome } from './postback-log.ts'
import { isTruncated, TRUNCATION_SUFFIX } from './unauthenticated-log.ts'

export const REPLAYABLE: readonly PostbackOutcome[] = ['rejected', 'error']
/** A "received" line older than this belongs to a request that never finished. */
export const STUCK_AFTER_MS = 5 * 60 * 1000
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
  after: string | null
  status: number | null
  reason: string | null
  skipped?: string
}

export async function replayPostbacks(ctx: PostbackContext, options: ReplayOptions = {}): Promise<ReplayResult[]> {
  const now = options.now ?? new Date()
  const db = ctx.database.prisma
  const replayable = {
    OR: [{ outcome: { in: [...REPLAYABLE] } }, { outcome: 'received', receivedAt: { lt: new Date(now.getTime() - STUCK_AFTER_MS) } }],
    // Truncated lines are never replayed: left out here so that many of them cannot hide the rest.
    NOT: { rawQuery: { endsWith: TRUNCATION_SUFFIX } },
    AND: { OR: [{ rawBody: null }, { NOT: { rawBody: { endsWith: TRUNCATION_SUFFIX } } }] },
  }
  const logs = await db.postbackLog.findMany({
    where: options.ids ? { id: { in: options.ids } } : replayable,
    orderBy: { id: 'asc' },
    take: options.limit ?? 1000,
  })
  const results: ReplayResult[] = []
  for (const log of logs) {
    const base = { logId: log.id, network: log.networkSlug, before: log.outcome }
    const isStuck = log.outcome === 'received' && log.receivedAt.getTime() < now.getTime() - STUCK_AFTER_MS
    if (!REPLAYABLE.includes(log.outcome as PostbackOutcome) && !isStuck) {
      const why = log.outcome === 'forbidden' ? 'refused for its token or IP: the network must send it again' : `already ${log.outcome}`
      results.push({ ...base, after: null, status: null, reason: log.reason, skipped: why })
      continue
    }
    if (isTruncated(log.rawQuery) || isTruncated(log.rawBody)) {
      results.push({ ...base, after: null, status: null, reason: log.reason, skipped: TRUNCATED_REASON })
      continue
    }
    if (options.dryRun) {
      results.push({ ...base, after: null, status: null, reason: log.reason })
      continue
    }
    const bodyKind = log.rawBody === null ? null : log.rawBody.trimStart().startsWith('{') ? 'json' : 'form'
    const read = readPostbackParams(log.rawQuery, log.rawBody, bodyKind)
    const verdict = await replayLoggedPostback(ctx, read, { logId: log.id, sourceIp: log.sourceIp, replayedAt: now })
    results.push({ ...base, after: verdict.outcome, status: verdict.status, reason: verdict.reason })
  }
  return results
}
