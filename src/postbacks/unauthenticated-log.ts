// The postback log's bound on requests that fail authentication (unknown
// network, bad or missing token, source address not allowed, or a body too
// malformed to tell): nobody may fill the disk through an unauthenticated
// endpoint. Such a request is logged truncated (about 2 KB of query and body,
// with a visible marker) and, past a few per second from one source, or past a
// ceiling over all sources together, it is only counted. Authenticated requests
// never come here: they are logged in full, as received.
import { normalizeIP } from '@fastify/rate-limit'
import { RateWindow } from '../http/rate-window.ts'

/** Characters of query and body kept together in the log line of an unauthenticated request. */
export const UNAUTHENTICATED_LOG_CHARS = 2048
export const UNAUTHENTICATED_LOG_WINDOW_MS = 1_000
/** All sources together may log this many times the per-source rate (many addresses are cheap to an attacker). */
export const OVERALL_FACTOR = 20

const MARK_END = ' more characters not logged]'
const MARK = /…\[\d+ more characters not logged\]$/

/** The text's tail after a cut: a marker that says how much was left out. */
const markOf = (omitted: number) => `…[${omitted}${MARK_END}`

/** True when a stored query or body was cut (such a line cannot be replayed: its request is incomplete). */
export function isTruncated(text: string | null | undefined): boolean {
  return typeof text === 'string' && text.endsWith(MARK_END) && MARK.test(text)
}

/** The suffix every truncated text ends with (for a database filter). */
export const TRUNCATION_SUFFIX = MARK_END

/** `text` cut to at most `keep` characters (plus the marker), never inside a surrogate pair. */
function cut(text: string, keep: number): string {
  if (text.length <= keep) return text
  let end = keep
  // A half pair alone is not text (PostgreSQL refuses it).
  if (end > 0 && /[\uD800-\uDBFF]/.test(text[end - 1]!)) end--
  return text.slice(0, end) + markOf(text.length - end)
}

/**
 * Query and body cut to `budget` characters together: the body keeps up to half
 * of it, and each keeps what the other leaves unused.
 */
export function truncateForLog(
  rawQuery: string,
  rawBody: string | null,
  budget = UNAUTHENTICATED_LOG_CHARS,
): { rawQuery: string; rawBody: string | null } {
  const bodyLength = rawBody?.length ?? 0
  if (rawQuery.length + bodyLength <= budget) return { rawQuery, rawBody }
  const bodyShare = Math.min(bodyLength, Math.max(Math.floor(budget / 2), budget - rawQuery.length))
  const queryShare = budget - bodyShare
  return { rawQuery: cut(rawQuery, queryShare), rawBody: rawBody === null ? null : cut(rawBody, bodyShare) }
}

export interface LogGate {
  /** True when this unauthenticated request may be logged (truncated); false: only count it. */
  admit(sourceIp: string | null): boolean
}

export interface UnauthenticatedLogGateOptions {
  /** A request was not logged; `warn` is true for the first of a window (so the server log gets one line per window, not one per request). */
  onSkip?: (sourceIp: string | null, warn: boolean, skippedSinceWarn: number) => void
  windowMs?: number
  now?: () => number
}

/** Per source (IPv6 per /64) and over all sources, per window, in memory: no database round-trip. */
export class UnauthenticatedLogGate implements LogGate {
  private readonly perSource: RateWindow
  private readonly overall: RateWindow
  private lastWarnAt = -Infinity
  private skippedSinceWarn = 0
  skipped = 0

  constructor(
    readonly perSecond: number,
    private readonly options: UnauthenticatedLogGateOptions = {},
  ) {
    const windowMs = options.windowMs ?? UNAUTHENTICATED_LOG_WINDOW_MS
    this.perSource = new RateWindow(perSecond, windowMs, { now: options.now })
    this.overall = new RateWindow(perSecond * OVERALL_FACTOR, windowMs, { now: options.now })
  }

  admit(sourceIp: string | null): boolean {
    if (this.perSecond > 0 && this.perSource.hit(sourceIp ? normalizeIP(sourceIp) : '-').over === 0 && this.overall.hit('').over === 0)
      return true
    this.skipped++
    this.skippedSinceWarn++
    const now = (this.options.now ?? Date.now)()
    const warn = now - this.lastWarnAt >= (this.options.windowMs ?? UNAUTHENTICATED_LOG_WINDOW_MS)
    const skippedSinceWarn = this.skippedSinceWarn
    if (warn) {
      this.lastWarnAt = now
      this.skippedSinceWarn = 0
    }
    this.options.onSkip?.(sourceIp, warn, skippedSinceWarn)
    return false
  }
}
