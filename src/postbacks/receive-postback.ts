// A network's postback, start to finish, the same way for a live request and for
// a replay of its log line: log it, read and check it, apply it, answer.
//
//   200 OK          accepted (new conversion or a status change)
//   200 DUPLICATE   already known (so the network stops retrying)
//   400 ERROR …     malformed: unknown network, bad sub-id, amount, currency, status
//   403 ERROR …     bad token or source IP
//   409 ERROR …     the entry's status refuses this change (logged for ops)
//   5xx ERROR …     our fault only; the network retries and the retry is safe
import type { Database } from '../db/client.ts'
import { writeIsolated } from '../db/isolated-write.ts'
import { parseSubid } from '../tracking/subid.ts'
import { parseAmount } from './amount.ts'
import { applyPostback, type ApplyResult } from './apply-postback.ts'
import { convertToEur, type EurAmount } from './currency.ts'
import { fingerprintOf, ipAllowed, maskedToken, tokenMatches } from './network-auth.ts'
import type { PostbackNetwork } from './network-cache.ts'
import { maskFormToken, maskJsonToken, readPostbackParams, type BodyKind, type PostbackParams } from './params.ts'
import { closePostbackLog, openPostbackLog, type PostbackOutcome } from './postback-log.ts'
import { statusFromWord } from './status-words.ts'

export interface PostbackContext {
  database: Pick<Database, 'prisma' | 'provider'>
  fxRates: Record<string, string>
  /** Keys the token fingerprint kept in the log. */
  salt: string
  networks: (slug: string) => Promise<PostbackNetwork | null>
  onError?: (err: unknown, stage: string) => void
}

export interface IncomingPostback {
  method: string
  rawQuery: string
  rawBody: string | null
  bodyKind: BodyKind | null
  sourceIp: string | null
}

export interface PostbackAnswer {
  status: number
  body: string
  outcome: Exclude<PostbackOutcome, 'received'>
  /** A stable word for why (metrics labels): unknown_network, bad_token, bad_amount, … */
  code: string
  reason: string | null
  entryId: number | null
  logId: number | null
}

function answer(status: number, outcome: PostbackAnswer['outcome'], code: string, reason: string | null, entryId: number | null = null): Verdict {
  const body = status === 200 ? (outcome === 'duplicate' ? 'DUPLICATE' : 'OK') : `ERROR ${reason ?? 'error'}`
  return { status, body, outcome, code, reason, entryId }
}

/** True when the database itself is unreachable or overloaded (503) rather than a bug of ours (500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028'].includes(code)) return true
  if (e?.name === 'PrismaClientInitializationError') return true
  const message = typeof e?.message === 'string' ? e.message : ''
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|database is locked|SQLITE_BUSY|too many clients|the database system is (starting up|shutting down)/i.test(message)
}

export async function receivePostback(ctx: PostbackContext, incoming: IncomingPostback): Promise<PostbackAnswer> {
  const read = readPostbackParams(incoming.rawQuery, incoming.rawBody, incoming.bodyKind)
  const mask = read.params.token === undefined ? '***' : maskedToken(ctx.salt, read.params.token)
  let logId: number
  try {
    logId = await openPostbackLog(ctx.database, {
      method: incoming.method,
      rawQuery: maskFormToken(incoming.rawQuery, mask),
      rawBody: incoming.rawBody === null ? null : incoming.bodyKind === 'json' ? maskJsonToken(incoming.rawBody, mask) : maskFormToken(incoming.rawBody, mask),
      sourceIp: incoming.sourceIp,
      networkSlug: read.params.network?.trim().slice(0, 64) || null,
    })
  } catch (err) {
    ctx.onError?.(err, 'postback log')
    // Not even logged: the network must retry.
    return { ...answer(503, 'error', 'database', 'temporarily unavailable, retry later'), logId: null }
  }
  const options = { logId, sourceIp: incoming.sourceIp, replay: false }
  const result = read.ok ? await processPostback(ctx, read.params, options) : await settle(ctx, answer(400, 'rejected', 'unreadable', read.reason), options)
  return { ...result, logId }
}

export interface ProcessOptions {
  logId: number
  sourceIp: string | null
  /**
   * A replay reads the logged request, whose token is masked: the token check
   * compares the masked token's fingerprint with the network's current token;
   * a bare "***" (logs written before fingerprints) skips the token check, since
   * a replay is an operator's decision. The IP allow-list is checked as live.
   */
  replay: boolean
  replayedAt?: Date
}

type Verdict = Omit<PostbackAnswer, 'logId'>
/** logClosed: the apply wrote the verdict into the log in its own transaction. */
type Checked = Verdict & { logClosed?: boolean }

/**
 * Checks and applies a postback whose log line exists, and completes the log line
 * with the verdict. Never throws: faults become 5xx answers.
 */
export async function processPostback(ctx: PostbackContext, params: PostbackParams, options: ProcessOptions): Promise<Verdict> {
  let checked: Checked
  try {
    checked = await checkAndApply(ctx, params, options)
  } catch (err) {
    ctx.onError?.(err, 'postback apply')
    const unavailable = isDatabaseUnavailable(err)
    checked = answer(unavailable ? 503 : 500, 'error', unavailable ? 'database' : 'internal', unavailable ? 'temporarily unavailable, retry later' : 'internal error, retry later')
  }
  return checked.logClosed ? stripClosed(checked) : settle(ctx, checked, options)
}

function stripClosed({ logClosed: _closed, ...verdict }: Checked): Verdict {
  return verdict
}

async function checkAndApply(ctx: PostbackContext, p: PostbackParams, options: ProcessOptions): Promise<Checked> {
  const slug = p.network?.trim()
  if (!slug) return answer(400, 'rejected', 'unknown_network', 'missing network')
  const network = await ctx.networks(slug)
  if (!network) return answer(400, 'rejected', 'unknown_network', `unknown network "${slug.slice(0, 64)}"`)

  // Authentication before anything about the content is said.
  if (!ipAllowed(network.allowList, options.sourceIp)) return answer(403, 'forbidden', 'ip_not_allowed', `source IP ${options.sourceIp ?? 'unknown'} not allowed`)
  const tokenProblem = checkToken(ctx, network, p.token, options.replay)
  if (tokenProblem) return answer(403, 'forbidden', 'bad_token', tokenProblem)

  const subid = parseSubid(p.subid)
  if (!subid.ok) return answer(400, 'rejected', 'bad_subid', subid.reason)
  const txnId = p.txn_id?.trim()
  if (!txnId) return answer(400, 'rejected', 'missing_txn_id', 'missing txn_id')
  const word = p.status?.trim()
  if (!word) return answer(400, 'rejected', 'bad_status', 'missing status')
  const status = statusFromWord(word, network.statusWords)
  if (!status) return answer(400, 'rejected', 'bad_status', `unknown status "${word.slice(0, 32)}"`)
  const amount = parseAmount(p.amount)
  if (!amount.ok) return answer(400, 'rejected', 'bad_amount', amount.reason)
  let money: EurAmount | null = null
  if (amount.amount) {
    const converted = convertToEur(amount.amount, p.currency?.trim() || network.defaultCurrency, ctx.fxRates)
    if (!converted.ok) return answer(400, 'rejected', converted.reason.startsWith('absurd') ? 'bad_amount' : 'bad_currency', converted.reason)
    money = converted.money
  }

  const result: ApplyResult = await applyPostback(ctx.database, {
    networkId: network.id,
    txnId,
    status,
    networkWord: word,
    money,
    subid: subid.subid,
    postbackLogId: options.logId,
    replayedAt: options.replayedAt,
  })
  const verdict = ((): Verdict => {
    switch (result.outcome) {
      case 'accepted':
      case 'updated':
        return answer(200, result.outcome, result.outcome === 'accepted' ? (result.flag ?? 'ok') : 'ok', null, result.entryId)
      case 'duplicate':
        return answer(200, 'duplicate', result.reason ? 'stale_status' : 'duplicate', result.reason, result.entryId)
      case 'refused':
        return answer(409, 'rejected', 'invalid_transition', result.reason, result.entryId)
      case 'rejected':
        return answer(400, 'rejected', 'missing_amount', result.reason)
    }
  })()
  return { ...verdict, logClosed: true }
}

function checkToken(ctx: PostbackContext, network: PostbackNetwork, given: string | undefined, replay: boolean): string | null {
  if (network.token === null) {
    // No token configured: only an allow-list may stand alone.
    return network.allowList ? null : 'network has no postback token configured'
  }
  if (given === undefined || given === '') return 'missing token'
  if (!replay) return tokenMatches(given, network.token) ? null : 'bad token'
  if (given === '***') return null
  const fingerprint = fingerprintOf(given)
  if (fingerprint === null) return 'bad token'
  return tokenMatches(given, maskedToken(ctx.salt, network.token)) ? null : "token does not match the network's current token"
}

async function settle(ctx: PostbackContext, verdict: Verdict, options: ProcessOptions): Promise<Verdict> {
  try {
    await writeIsolated(ctx.database, (db) =>
      closePostbackLog(db, options.logId, { outcome: verdict.outcome, reason: verdict.reason, entryId: verdict.entryId, replayedAt: options.replayedAt }),
    )
  } catch (err) {
    // The request itself is logged; only its verdict is missing (it stays "received" and replay will pick it up).
    ctx.onError?.(err, 'postback log verdict')
  }
  return verdict
}
