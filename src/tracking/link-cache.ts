// Resolves a tracked-link code to what a click needs (who, which offer, where to
// send the visitor) from memory, so a live link never waits on the database.
// Bounded, with a short TTL; an expired entry is still served while one refresh
// runs in the background (a live link keeps working through a database hiccup);
// concurrent misses for one code share a single load; the admin API invalidates
// entries on this instance when it changes a network, an offer or an assignment
// (other instances see the change within the TTL).
import type { Queryable } from '../db/queries/access.ts'
import { linkByCode } from '../db/queries/links.ts'
import { subidPrefix, type SubidSeparator } from './subid.ts'
import { targetTemplate, type TargetTemplate } from './target-url.ts'

export interface LiveLink {
  code: string
  assignmentId: number
  partnerId: number
  offerId: number
  networkId: number
  /** The click's target is template.before + clickId + template.after. */
  template: TargetTemplate
}

/** null: no such code, or the link is not live (offer paused, assignment failed). */
export type LinkLookup = LiveLink | null

export type LinkLoader = (code: string) => Promise<LinkLookup>

/** Loads one link from the database (one indexed query). */
export function databaseLinkLoader(db: Queryable): LinkLoader {
  return async (code) => {
    const a = await linkByCode(db, code)
    if (!a || a.status === 'failed' || !a.offer.active) return null
    const network = a.offer.network
    let template: TargetTemplate
    try {
      const prefix = subidPrefix(a.partnerId, a.id, network.subidSeparator as SubidSeparator)
      template = targetTemplate(a.offer.url, network.subidParam, prefix)
    } catch {
      // An offer URL that cannot carry a sub-id is not live (the admin API refuses such URLs).
      return null
    }
    return { code, assignmentId: a.id, partnerId: a.partnerId, offerId: a.offerId, networkId: network.id, template }
  }
}

export interface LinkCacheOptions {
  /** Fresh for this long; then served stale while refreshed. */
  ttlMs?: number
  /** Beyond this age an entry is not served: the request waits for the database. */
  maxStaleMs?: number
  /** Unknown codes are remembered this long (scanners do not reach the database each time). */
  negativeTtlMs?: number
  maxEntries?: number
  now?: () => number
  onRefreshError?: (err: unknown, code: string) => void
}

interface Entry {
  link: LinkLookup
  loadedAt: number
}

export class LinkCache {
  private readonly entries = new Map<string, Entry>()
  private readonly loading = new Map<string, Promise<LinkLookup>>()
  private generation = 0
  private readonly ttlMs: number
  private readonly maxStaleMs: number
  private readonly negativeTtlMs: number
  private readonly maxEntries: number
  private readonly now: () => number
  stats = { hits: 0, staleHits: 0, loads: 0 }

  constructor(
    private readonly loader: LinkLoader,
    private readonly options: LinkCacheOptions = {},
  ) {
    this.ttlMs = options.ttlMs ?? 15_000
    this.maxStaleMs = options.maxStaleMs ?? 5 * 60_000
    this.negativeTtlMs = options.negativeTtlMs ?? 5_000
    this.maxEntries = options.maxEntries ?? 20_000
    this.now = options.now ?? Date.now
  }

  async resolve(code: string): Promise<LinkLookup> {
    const entry = this.entries.get(code)
    if (entry) {
      const age = this.now() - entry.loadedAt
      const ttl = entry.link ? this.ttlMs : this.negativeTtlMs
      if (age < ttl) {
        this.stats.hits++
        return entry.link
      }
      if (entry.link && age < this.maxStaleMs) {
        this.stats.staleHits++
        this.load(code).catch((err: unknown) => this.options.onRefreshError?.(err, code))
        return entry.link
      }
    }
    return this.load(code)
  }

  /** Forget one code (its assignment changed). */
  invalidate(code: string) {
    this.generation++
    this.entries.delete(code)
  }

  /** Forget everything (a network or an offer changed: many links at once). */
  invalidateAll() {
    this.generation++
    this.entries.clear()
  }

  get size(): number {
    return this.entries.size
  }

  private load(code: string): Promise<LinkLookup> {
    const pending = this.loading.get(code)
    if (pending) return pending
    const generation = this.generation
    this.stats.loads++
    const promise = this.loader(code)
      .then((link) => {
        // A change during the load may have made this result stale: do not keep it.
        if (generation === this.generation) this.store(code, link)
        return link
      })
      .finally(() => this.loading.delete(code))
    this.loading.set(code, promise)
    return promise
  }

  private store(code: string, link: LinkLookup) {
    this.entries.delete(code)
    this.entries.set(code, { link, loadedAt: this.now() })
    // Insertion order = load order: the oldest loads go first.
    while (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next().value as string
      this.entries.delete(oldest)
    }
  }
}
