// Who clicked, without storing who: a salted hash of IP + user agent (the raw IP
// never leaves the request), and a bounded in-process memory of recent visits
// that marks a repeat click on the same link within the window as not unique
// (the database confirms the others: RecentVisitors).
import { UNIQUE_WINDOW_MS } from '../db/hot/index.ts'
import { hash } from 'node:crypto'

/** 22 characters (132 bits) of SHA-256 over salt, IP and user agent: one-shot, cheap enough for every click. */
export function visitorHash(salt: string, ip: string, userAgent: string): string {
  return hash('sha256', `${salt}\n${ip}\n${userAgent}`, 'base64url').slice(0, 22)
}

export interface RecentVisitorsOptions {
  windowMs?: number
  /** Memory bound: beyond it the oldest visits are forgotten (they then count as unique again). */
  maxEntries?: number
}

/**
 * Uniqueness without a database read per click. Visits are kept in two
 * generations of at most one window each: the current one, and the one before,
 * which still answers for visits less than a window old. When the current
 * generation is a window old (or full) it becomes the previous one and the
 * oldest is dropped whole: O(1) per click, no scanning, bounded memory (a flood
 * of distinct visitors only shortens what is remembered; such visits then count
 * as unique again). Each server instance remembers only its own visits, so it is
 * only a fast path: a repeat seen here is surely not unique (the visitor's last
 * click anywhere is at least as recent), but a "first seen here" is confirmed by
 * the click batch's statement against click_visitors, which every instance writes
 * (db/hot/click-store.ts): behind a load balancer or after a restart, a returning
 * visitor still counts once.
 */
export class RecentVisitors {
  readonly windowMs: number
  readonly maxEntries: number
  private current = new Map<string, number>()
  private previous = new Map<string, number>()
  private currentSince = -Infinity

  constructor(options: RecentVisitorsOptions = {}) {
    this.windowMs = options.windowMs ?? UNIQUE_WINDOW_MS
    this.maxEntries = options.maxEntries ?? 200_000
  }

  /** Records a visit; true when it is the first from this visitor on this link within the window. */
  visit(assignmentId: number, hash: string, nowMs: number): boolean {
    if (nowMs - this.currentSince >= this.windowMs || this.current.size >= this.maxEntries / 2) this.rotate(nowMs)
    const key = `${assignmentId}|${hash}`
    const previous = this.current.get(key) ?? this.previous.get(key)
    this.current.set(key, nowMs)
    return previous === undefined || nowMs - previous >= this.windowMs
  }

  get size(): number {
    return this.current.size + this.previous.size
  }

  private rotate(nowMs: number) {
    // A generation more than a window old holds nothing that still counts.
    this.previous = nowMs - this.currentSince >= 2 * this.windowMs ? new Map<string, number>() : this.current
    this.current = new Map()
    this.currentSince = nowMs
  }
}
