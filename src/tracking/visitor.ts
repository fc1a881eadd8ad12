// Who clicked, without storing who: a salted hash of IP + user agent (the raw IP
// never leaves the request), and a bounded in-process memory of recent visits
// that marks a repeat click on the same link within the window as not unique.
import { createHmac } from 'node:crypto'

export function visitorHash(salt: string, ip: string, userAgent: string): string {
  return createHmac('sha256', salt).update(ip).update('\n').update(userAgent).digest('base64url').slice(0, 22)
}

export interface RecentVisitorsOptions {
  windowMs?: number
  /** Memory bound: beyond it the oldest visits are forgotten (they then count as unique again). */
  maxEntries?: number
}

/**
 * Uniqueness without a database read per click. Entries are kept in last-seen
 * order (a Map re-inserted on every visit), so expiry and eviction both pop from
 * the front. Each server instance remembers only its own visits: behind a load
 * balancer, a visitor bounced between instances may be counted unique once per
 * instance, and a restart forgets the last hour.
 */
export class RecentVisitors {
  readonly windowMs: number
  readonly maxEntries: number
  private readonly lastSeen = new Map<string, number>()

  constructor(options: RecentVisitorsOptions = {}) {
    this.windowMs = options.windowMs ?? 60 * 60 * 1000
    this.maxEntries = options.maxEntries ?? 200_000
  }

  /** Records a visit; true when it is the first from this visitor on this link within the window. */
  visit(assignmentId: number, hash: string, nowMs: number): boolean {
    const key = `${assignmentId}|${hash}`
    const previous = this.lastSeen.get(key)
    if (previous !== undefined) this.lastSeen.delete(key)
    this.lastSeen.set(key, nowMs)
    this.prune(nowMs)
    return previous === undefined || nowMs - previous >= this.windowMs
  }

  get size(): number {
    return this.lastSeen.size
  }

  private prune(nowMs: number) {
    for (const [key, seen] of this.lastSeen) {
      if (this.lastSeen.size <= this.maxEntries && nowMs - seen < this.windowMs) break
      this.lastSeen.delete(key)
    }
  }
}
