// What the postback endpoint needs to know about a network, read once and kept a
// few seconds: token, allow-list (parsed), status words (merged with its
// preset's), field map (compiled), default currency. The admin API drops the cache on this instance when it changes a
// network; other instances pick the change up within the TTL.
import type { Queryable } from '../db/queries/access.ts'
import { decimalSeparatorOf, type DecimalSeparator } from './amount.ts'
import { networkBySlug } from '../db/queries/networks.ts'
import { parseAllowList, type AllowList } from './network-auth.ts'
import { mergeStatusWords, parseStoredStatusWords, type StatusWords } from './status-words.ts'
import { parseStoredFieldMap, type FieldMap } from './params.ts'
import { presetOf } from '../onboarding/presets.ts'

export interface PostbackNetwork {
  id: number
  slug: string
  token: string | null
  allowList: AllowList | null
  /** The network's own words over its preset's (the defaults apply beneath): merged once per load. */
  statusWords: StatusWords
  defaultCurrency: string
  /** Declared decimal separator; null: an ambiguous amount ("1,234") is refused. */
  decimalSeparator: DecimalSeparator | null
  /** Where our fields are in its postbacks, compiled once per load; null: our names only. */
  fieldMap: FieldMap | null
  /** "click": one conversion per click, for a network that sends no transaction id. */
  dedupeBy: 'txn' | 'click'
}

export async function loadPostbackNetwork(db: Queryable, slug: string): Promise<PostbackNetwork | null> {
  const n = await networkBySlug(db, slug)
  if (!n) return null
  let allowList: AllowList | null
  try {
    allowList = parseAllowList(n.allowedIps)
  } catch {
    // A corrupt allow-list must fail closed: nothing matches an empty list.
    allowList = parseAllowList('0.0.0.0/32')
  }
  return {
    id: n.id,
    slug: n.slug,
    token: n.postbackToken && n.postbackToken.length > 0 ? n.postbackToken : null,
    allowList,
    statusWords: mergeStatusWords(presetOf(n.preset).statusWords, parseStoredStatusWords(n.statusWords)),
    defaultCurrency: n.defaultCurrency,
    decimalSeparator: decimalSeparatorOf(n.decimalSeparator),
    fieldMap: parseStoredFieldMap(n.fieldMap),
    dedupeBy: n.dedupeBy === 'click' ? 'click' : 'txn',
  }
}

export class NetworkCache {
  private readonly entries = new Map<string, { network: PostbackNetwork | null; at: number }>()
  // Postbacks that miss together (every TTL, a whole batch of them) share one read.
  private readonly loading = new Map<string, Promise<PostbackNetwork | null>>()
  private generation = 0
  loads = 0

  constructor(
    private readonly db: Queryable,
    private readonly options: { ttlMs?: number; negativeTtlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  async get(slug: string): Promise<PostbackNetwork | null> {
    const now = (this.options.now ?? Date.now)()
    const hit = this.entries.get(slug)
    if (hit && now - hit.at < (hit.network ? (this.options.ttlMs ?? 10_000) : (this.options.negativeTtlMs ?? 2_000))) return hit.network
    return this.loading.get(slug) ?? this.load(slug, now)
  }

  invalidateAll() {
    this.generation++
    this.entries.clear()
    // A read already under way may predate the change: later requests must not join it.
    this.loading.clear()
  }

  private load(slug: string, now: number): Promise<PostbackNetwork | null> {
    const generation = this.generation
    this.loads++
    const promise = loadPostbackNetwork(this.db, slug)
      .then((network) => {
        if (generation === this.generation) {
          this.entries.delete(slug)
          this.entries.set(slug, { network, at: now })
          if (this.entries.size > (this.options.maxEntries ?? 1_000)) this.entries.delete(this.entries.keys().next().value as string)
        }
        return network
      })
      .finally(() => {
        if (this.loading.get(slug) === promise) this.loading.delete(slug)
      })
    this.loading.set(slug, promise)
    return promise
  }
}
