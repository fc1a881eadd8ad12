// A network's postback, start to finish, the same way for a live request and for
// a replay of its log line: read it, check it, log it, hand it to the ledger, and
// give back its outcome: accepted or updated, a duplicate, rejected (malformed,
// or a return on an unknown conversion), forbidden (token or source IP), or an
// error of ours (the network retries, and the retry is safe). The route turns an
// outcome into the HTTP answer (http/postback-answer.ts).
//
// The log line is written before the ledger is touched and before any answer.
// Checks that need no write (network, token, IP, parameters) run first, so a
// refused request is logged once, with its verdict; an accepted one is logged as
// "received" and gets its verdict in the ledger's own transaction. A request that
// fails authentication is logged in a bounded form (unauthenticated-log.ts).
import type { Database } from '../db/client.ts'
import { adapterCause } from '../db/errors.ts'
import { parseSubid, type SubId } from '../tracking/subid.ts'
import { parseAmount } from './amount.ts'
import { applyPostback, type ApplyResult, type ConversionFlag } from '../ledger/apply.ts'
import { ledgerTxnId } from '../ledger/keys.ts'
import { convertToEur, currencyOf, type EurAmount } from './currency.ts'
import { fingerprintOf, ipAllowed, maskedToken, tokenMatches } from './network-auth.ts'
import type { PostbackNetwork } from './network-cache.ts'
import {
  maskTokenAnywhere,
  readPostbackParams,
  secretPattern,
  type BodyKind,
  type PostbackParams,
  type ReadParams,
  withFieldMap,
} from './params.ts'
import { isJsonNumber } from './params.ts'
import { closePostbackLog, type ReceivedPostback } from './postback-log.ts'
import { recordPostbackBatch, type CheckedReport, type Recorded } from './record-batch.ts'
import { statusFromWord } from './status-words.ts'
import { truncateForLog, type LogGate } from './unauthenticated-log.ts'

export interface PostbackContext {
  database: Pick<Database, 'prisma' | 'provider' | 'sql'>
  fxRates: Record<string, string>
  /** Keys the token fingerprint kept in the log. */
  salt: string
  networks: (slug: string) => Promise<PostbackNetwork | null>
  /**
   * Writes the log line, then (for a report that passed the checks) applies it.
   * The server batches these (one log statement and one ledger transaction per
   * event-loop turn); default: one postback at a time. Throws only when the log
   * line could not be written.
   */
  record?: (received: ReceivedPostback, report: CheckedReport | null) => Promise<Recorded>
  onError?: (err: unknown, stage: string) => void
  /**
   * Rations the log lines of requests that fail authentication (the server's:
   * a few per second per source); absent (CLI, tests), each is logged, truncated.
   */
  unauthenticatedLog?: LogGate
}

export interface IncomingPostback {
  method: string
  rawQuery: string
  rawBody: string | null
  bodyKind: BodyKind | null
  sourceIp: string | null
}

export type { CheckedReport, Recorded }

/** Why a postback was rejected (metrics label): malformed, or over its source's rate. A lifecycle move is never refused. */
export type RejectionCode =
  | 'unreadable'
  | 'unknown_network'
  | 'bad_subid'
  | 'missing_txn_id'
  | 'bad_status'
  | 'bad_amount'
  | 'bad_currency'
  | 'missing_amount'
  | 'rate_limited'

/** What a postback came to; `code` is a stable word for why (metrics labels), `reason` the words for the network. */
export type Verdict =
  | { outcome: 'accepted'; code: 'ok' | ConversionFlag; reason: null; entryId: number | null }
  | { outcome: 'updated'; code: 'ok'; reason: null; entryId: number | null }
  | { outcome: 'duplicate'; code: 'duplicate' | 'stale_status'; reason: string | null; entryId: number | null }
  | { outcome: 'rejected'; code: RejectionCode; reason: string; entryId: number | null }
  | { outcome: 'forbidden'; code: 'ip_not_allowed' | 'bad_token'; reason: string; entryId: null }
  | { outcome: 'error'; code: 'database' | 'internal'; reason: string; entryId: null }

/** A postback's outcome, with its log line (null when it could not be, or was not, written). */
export type PostbackOutcome = Verdict & { logId: number | null }

const rejected = (code: RejectionCode, reason: string, entryId: number | null = null): Verdict => ({
  outcome: 'rejected',
  code,
  reason: storable(reason),
  entryId,
})
const forbidden = (code: 'ip_not_allowed' | 'bad_token', reason: string): Verdict => ({
  outcome: 'forbidden',
  code,
  reason: storable(reason),
  entryId: null,
})

/** True when the database itself is unreachable or overloaded (503) rather than a bug of ours (500). */
export function isDatabaseUnavailable(err: unknown): boolean {
  const e = err as { code?: unknown; name?: unknown; message?: unknown } | null
  const code = typeof e?.code === 'string' ? e.code : ''
  if (['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2028'].includes(code)) return true
  // A ledger transaction past its deadline (db/hot/direct-sql.ts), as the client's P2028.
  if (e?.name === 'PrismaClientInitializationError' || e?.name === 'TransactionTimeout') return true
  // The driver adapter's own kinds (statements run on it: db/hot/direct-sql.ts).
  const cause = adapterCause(err)
  if (['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections'].includes(String(cause?.kind))) return true
  // PostgreSQL's own codes, on a raw statement through the client (P2010) or on the adapter:
  // connection exception (08…), insufficient resources (53…), operator intervention
  // (57P…: a shutdown terminates busy backends).
  const sqlState =
    code === 'P2010' ? (err as { meta?: { code?: unknown } }).meta?.code : cause?.kind === 'postgres' ? cause.code : undefined
  if (typeof sqlState === 'string' && /^(08|53|57P)/.test(sqlState)) return true
  const message = typeof e?.message === 'string' ? e.message : ''
  return /ECONNREFUSED|ECONNRESET|ETIMEDOUT|Connection terminated|terminating connection|database is locked|SQLITE_BUSY|too many clients|the database system is (starting up|shutting down)/i.test(
    message,
  )
}

const UNAVAILABLE: Verdict = { outcome: 'error', code: 'database', reason: 'temporarily unavailable, retry later', entryId: null }
const INTERNAL: Verdict = { outcome: 'error', code: 'internal', reason: 'internal error, retry later', entryId: null }

function fault(err: unknown): Verdict {
  return isDatabaseUnavailable(err) ? UNAVAILABLE : INTERNAL
}

// PostgreSQL text cannot hold NUL, nor a lone surrogate once encoded, and one
// such log line would fail its whole batch.

/** The raw request, with NUL spelled the way its own syntax does (%00 in a form or query, \u0000 in JSON): a replay reads what the live request read. */
function nulFree(text: string, spelling: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', spelling) : text
}

/** Our own text quoting the request (a reason, a clipped slug, JSON.parse's message): NUL spelled out, a half pair replaced. */
function storable(text: string): string {
  return text.replaceAll('\u0000', '\\u0000').replace(/\p{Cs}/gu, '\ufffd')
}

// Patterns of the secrets the guard looks for, by secret: a network's token is
// met on every one of its postbacks.
const secretPatterns = new Map<string, RegExp>()
/** A given token shorter than this is not searched for elsewhere in the text: masking every "1" of a request would corrupt it. */
const GUARDED_TOKEN_LENGTH = 8

function patternOf(secret: string, keep: boolean): RegExp {
  let pattern = secretPatterns.get(secret)
  if (pattern) return pattern
  pattern = secretPattern(secret)
  if (keep) {
    if (secretPatterns.size >= 256) secretPatterns.delete(secretPatterns.keys().next().value as string)
    secretPatterns.set(secret, pattern)
  }
  return pattern
}

interface LogShape {
  /** The network's own token, when the network is known. */
  networkToken: string | null
  /** Failed authentication: logged truncated. */
  truncate: boolean
  /** Known to be the network's (a given token equal to its token): its pattern may be kept. */
  authenticated: boolean
}

/**
 * The token masked wherever it is: as a form or query parameter, a JSON member
 * (whatever the declared content type), and, as a last guard, any spelling of
 * the network's token or of the given one left anywhere else in the text.
 */
function masked(text: string, mask: string, guards: readonly { pattern: RegExp; mask: string }[]): string {
  let out = maskTokenAnywhere(text, mask)
  for (const g of guards) out = out.replace(g.pattern, g.mask)
  return out
}

/** The log line of a request: as received, token masked, text storable; cut when it failed authentication. */
function receivedOf(
  ctx: PostbackContext,
  incoming: IncomingPostback,
  read: ReadParams,
  shape: LogShape,
  verdict?: Verdict,
): ReceivedPostback {
  const given = read.params.token
  const mask = given === undefined ? '***' : maskedToken(ctx.salt, given)
  const guards: { pattern: RegExp; mask: string }[] = []
  if (shape.networkToken !== null)
    guards.push({ pattern: patternOf(shape.networkToken, true), mask: maskedToken(ctx.salt, shape.networkToken) })
  // Authenticated with a token: the given one is the network's, guarded above (no plain
  // comparison with the secret here: that one is made in constant time).
  const givenIsNetworks = shape.authenticated && shape.networkToken !== null
  if (given !== undefined && given.length >= GUARDED_TOKEN_LENGTH && !givenIsNetworks)
    guards.push({ pattern: patternOf(given, shape.authenticated), mask })
  let rawQuery = nulFree(masked(incoming.rawQuery, mask, guards), '%00')
  let rawBody =
    incoming.rawBody === null ? null : nulFree(masked(incoming.rawBody, mask, guards), incoming.bodyKind === 'json' ? '\\u0000' : '%00')
  // Masked first, cut after: a cut must not leave the start of a token behind.
  if (shape.truncate) ({ rawQuery, rawBody } = truncateForLog(rawQuery, rawBody))
  return {
    method: incoming.method,
    rawQuery,
    rawBody,
    sourceIp: incoming.sourceIp,
    networkSlug: storable(read.params.network?.trim().slice(0, 64) ?? '') || null,
    ...(verdict ? { verdict: { outcome: verdict.outcome, reason: verdict.reason } } : {}),
  }
}

// Without the server's group commit (CLI, tests): a batch of one, recorded the same way.
const recorder = (ctx: PostbackContext) =>
  ctx.record ??
  (async (received: ReceivedPostback, report: CheckedReport | null) =>
    (await recordPostbackBatch(ctx.database, [{ received, report }]))[0]!)

export const THROTTLED_REASON = 'rate limited: too many postbacks from this source, retry later'

/**
 * A postback refused for its source's rate limit (the 429 makes the network
 * retry): logged as rejected all the same, so that it is not lost if the network
 * gives up — a replay applies it like any rejected line. Gives the log line's id,
 * or null if even the log could not be written.
 */
export async function logThrottledPostback(ctx: PostbackContext, incoming: IncomingPostback): Promise<number | null> {
  const read = readPostbackParams(incoming.rawQuery, incoming.rawBody, incoming.bodyKind)
  // Only a request of the network's own is kept in full (the slow path: over the limit already).
  let auth: Authentication | null = null
  try {
    auth = await authenticate(ctx, read.params, { sourceIp: incoming.sourceIp, replay: false })
  } catch (err) {
    ctx.onError?.(err, 'postback check')
  }
  const shape = logShape(auth)
  if (shape.truncate && ctx.unauthenticatedLog && !ctx.unauthenticatedLog.admit(incoming.sourceIp)) return null
  try {
    return (await recorder(ctx)(receivedOf(ctx, incoming, read, shape, rejected('rate_limited', THROTTLED_REASON)), null)).logId
  } catch (err) {
    ctx.onError?.(err, 'postback log')
    return null
  }
}

function logShape(auth: Authentication | null): LogShape {
  const authenticated = auth?.ok === true
  return { networkToken: auth?.network?.token ?? null, truncate: !authenticated, authenticated }
}

export async function receivePostback(ctx: PostbackContext, incoming: IncomingPostback): Promise<PostbackOutcome> {
  const read = readPostbackParams(incoming.rawQuery, incoming.rawBody, incoming.bodyKind)
  const unreadable = read.ok ? null : rejected('unreadable', read.reason)
  let checked: Checked
  // An unreadable request is still authenticated (on what could be read): that decides how it is logged.
  let auth: Authentication | null = null
  try {
    auth = await authenticate(ctx, read.params, { sourceIp: incoming.sourceIp, replay: false })
    checked = unreadable ? { verdict: unreadable } : auth.ok ? checkMapped(ctx, auth.network, read) : { verdict: auth.verdict }
  } catch (err) {
    ctx.onError?.(err, 'postback check')
    checked = { verdict: unreadable ?? fault(err) }
  }
  const shape = logShape(auth)
  if (shape.truncate && 'verdict' in checked && ctx.unauthenticatedLog && !ctx.unauthenticatedLog.admit(incoming.sourceIp)) {
    // Over its source's rate: answered the same, counted by the gate, not written.
    return { ...checked.verdict, logId: null }
  }
  const received = receivedOf(ctx, incoming, read, shape, 'verdict' in checked ? checked.verdict : undefined)
  let recorded: Recorded
  try {
    recorded = await recorder(ctx)(received, 'report' in checked ? checked.report : null)
  } catch (err) {
    ctx.onError?.(err, 'postback log')
    // Not even logged: the network must retry.
    return { ...UNAVAILABLE, logId: null }
  }
  const { logId } = recorded
  if ('verdict' in checked) return { ...checked.verdict, logId }
  if (recorded.error !== undefined || !recorded.result) {
    ctx.onError?.(recorded.error, 'postback apply')
    // The ledger transaction was rolled back: the log line gets the fault (replay picks it up).
    return { ...(await settle(ctx, fault(recorded.error), logId)), logId }
  }
  return { ...verdictOf(recorded.result), logId }
}

export interface ReplayOptions {
  logId: number
  sourceIp: string | null
  replayedAt: Date
}

/**
 * Replays a logged postback: the same checks and apply as live, the verdict
 * written onto the same log line. The logged token is masked: its fingerprint is
 * compared with the network's current token; a bare "***" (logs written before
 * fingerprints) skips the token check, since a replay is an operator's decision.
 * The IP allow-list is checked as live.
 */
export async function replayLoggedPostback(ctx: PostbackContext, read: ReadParams, options: ReplayOptions): Promise<Verdict> {
  if (!read.ok) return settle(ctx, rejected('unreadable', read.reason), options.logId, options.replayedAt)
  let checked: Checked
  try {
    checked = await check(ctx, read, { sourceIp: options.sourceIp, replay: true })
  } catch (err) {
    ctx.onError?.(err, 'postback check')
    checked = { verdict: fault(err) }
  }
  if ('verdict' in checked) return settle(ctx, checked.verdict, options.logId, options.replayedAt)
  return applyChecked(ctx, checked.report, options.logId, { replayedAt: options.replayedAt })
}

export type Checked = { verdict: Verdict } | { report: CheckedReport }

async function applyChecked(ctx: PostbackContext, report: CheckedReport, logId: number, extra: { replayedAt?: Date }): Promise<Verdict> {
  let result: ApplyResult
  try {
    result = await applyPostback(ctx.database, { ...report, postbackLogId: logId, ...extra })
  } catch (err) {
    ctx.onError?.(err, 'postback apply')
    // The ledger transaction was rolled back: the log line gets the fault (replay picks it up).
    return settle(ctx, fault(err), logId, extra.replayedAt)
  }
  return verdictOf(result)
}

export function verdictOf(result: ApplyResult): Verdict {
  switch (result.outcome) {
    case 'accepted':
      return { outcome: 'accepted', code: result.flag ?? 'ok', reason: null, entryId: result.entryId }
    case 'updated':
      return { outcome: 'updated', code: 'ok', reason: null, entryId: result.entryId }
    case 'duplicate':
      return {
        outcome: 'duplicate',
        code: result.reason ? 'stale_status' : 'duplicate',
        reason: result.reason === null ? null : storable(result.reason),
        entryId: result.entryId,
      }
    case 'rejected':
      return rejected(result.code === 'missing_amount' ? 'missing_amount' : 'bad_amount', result.reason)
  }
}

type Authentication = { ok: true; network: PostbackNetwork } | { ok: false; verdict: Verdict; network: PostbackNetwork | null }

/** Who sent it: a known network, from an allowed address, with its token. */
async function authenticate(
  ctx: PostbackContext,
  p: PostbackParams,
  options: { sourceIp: string | null; replay: boolean },
): Promise<Authentication> {
  const refuse = (verdict: Verdict, network: PostbackNetwork | null = null): Authentication => ({ ok: false, verdict, network })
  const slug = p.network?.trim()
  if (!slug) return refuse(rejected('unknown_network', 'missing network'))
  const network = await ctx.networks(slug)
  if (!network) return refuse(rejected('unknown_network', `unknown network "${slug.slice(0, 64)}"`))
  if (!ipAllowed(network.allowList, options.sourceIp))
    return refuse(forbidden('ip_not_allowed', `source IP ${options.sourceIp ?? 'unknown'} not allowed`), network)
  const tokenProblem = checkToken(ctx, network, p.token, options.replay)
  if (tokenProblem) return refuse(forbidden('bad_token', tokenProblem), network)
  return { ok: true, network }
}

/** Everything that can be said about a postback without writing anything. */
async function check(ctx: PostbackContext, read: ReadParams, options: { sourceIp: string | null; replay: boolean }): Promise<Checked> {
  // Authentication before anything about the content is said.
  const auth = await authenticate(ctx, read.params, options)
  return auth.ok ? checkMapped(ctx, auth.network, read) : { verdict: auth.verdict }
}

/** The content read again through the network's field map, if it has one (network and token are always ours). */
function checkMapped(ctx: PostbackContext, network: PostbackNetwork, read: ReadParams): Checked {
  const content = withFieldMap(read, network.fieldMap)
  return content.ok ? checkContent(ctx, network, content.params) : { verdict: rejected('unreadable', content.reason) }
}

/**
 * The content of an authenticated postback (or of an imported line: import.ts).
 * `noSubid` stands in for a missing subid: an import may update a conversion
 * it knows without one.
 */
export function checkContent(ctx: Pick<PostbackContext, 'fxRates'>, network: PostbackNetwork, p: PostbackParams, noSubid?: SubId): Checked {
  const refuse = (code: RejectionCode, reason: string): Checked => ({ verdict: rejected(code, reason) })
  const subid = noSubid && (p.subid ?? '').trim() === '' ? { ok: true as const, subid: noSubid } : parseSubid(p.subid)
  if (!subid.ok) return refuse('bad_subid', subid.reason)
  // A network that deduplicates by click sends no transaction id: its conversions are keyed on the click id.
  const txnId = ledgerTxnId(network.dedupeBy, p.txn_id, subid.subid.clickId)
  if (!txnId) return refuse('missing_txn_id', 'missing txn_id')
  const word = p.status?.trim()
  if (!word) return refuse('bad_status', 'missing status')
  const status = statusFromWord(word, network.statusWords)
  if (!status) return refuse('bad_status', `unknown status "${word.slice(0, 32)}"`)
  const amount = parseAmount(p.amount, { decimalSeparator: network.decimalSeparator, jsonNumber: isJsonNumber(p, 'amount') })
  if (!amount.ok) return refuse('bad_amount', amount.reason)
  let money: EurAmount | null = null
  if (amount.amount) {
    const currency = currencyOf(amount.currency, p.currency, network.defaultCurrency)
    if (!currency.ok) return refuse('bad_currency', currency.reason)
    const converted = convertToEur(amount.amount, currency.currency, ctx.fxRates)
    if (!converted.ok) return refuse(converted.reason.startsWith('absurd') ? 'bad_amount' : 'bad_currency', converted.reason)
    money = converted.money
  }
  return { report: { networkId: network.id, txnId, status, networkWord: word, money, subid: subid.subid } }
}

function checkToken(ctx: PostbackContext, network: PostbackNetwork, given: string | undefined, replay: boolean): string | null {
  if (network.token === null) {
    // No token configured: only an allow-list may stand alone.
    return network.allowList ? null : 'network has no postback token configured'
  }
  if (given === undefined || given === '') return 'missing token'
  if (!replay) return tokenMatches(given, network.token) ? null : 'bad token'
  if (given === '***') return null
  if (fingerprintOf(given) === null) return 'bad token'
  return tokenMatches(given, maskedToken(ctx.salt, network.token)) ? null : "token does not match the network's current token"
}

async function settle(ctx: PostbackContext, verdict: Verdict, logId: number, replayedAt?: Date): Promise<Verdict> {
  try {
    await closePostbackLog(ctx.database, logId, {
      outcome: verdict.outcome,
      reason: verdict.reason,
      entryId: verdict.entryId,
      replayedAt,
    })
  } catch (err) {
    // The request itself is logged; only its verdict is missing (it stays as it was, and replay picks it up).
    ctx.onError?.(err, 'postback log verdict')
  }
  return verdict
}
