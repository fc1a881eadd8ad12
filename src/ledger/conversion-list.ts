// The console's list of conversions: a keyset page of listConversions (newest
// first, a "next page" cursor, never OFFSET nor a count of the whole table), or
// the conversions of one txn id, found by the unique (network, txn id) index; each
// with its partner's name for the table.
import type { Queryable } from '../db/queries/access.ts'
import { allNetworks } from '../db/queries/networks.ts'
import { partnersByIds } from '../db/queries/partners.ts'
import { conversionsWithTxnId } from '../db/queries/wallet-entries-pages.ts'
import { listConversions, viewOf, type ConversionFilter, type ConversionView } from './conversions.ts'

export const CONVERSION_PAGE_SIZE = 50

export type ConversionRow = Omit<ConversionView, 'history'> & { partnerName: string | null }

export interface ConversionListQuery {
  filter: ConversionFilter
  /** When set, the conversions of this txn id (on the filter's network, or any) and nothing else. */
  txnId?: string
  cursor?: string
}

export async function conversionList(db: Queryable, q: ConversionListQuery): Promise<{ rows: ConversionRow[]; nextPage: string | null }> {
  let items: ConversionView[]
  let nextPage: string | null = null
  if (q.txnId !== undefined) {
    const networks = await allNetworks(db)
    const ids = networks.filter((n) => q.filter.networkSlug === undefined || n.slug === q.filter.networkSlug).map((n) => n.id)
    const found = await listByTxn(db, q.txnId, ids)
    items = found.filter((c) => matches(c, q.filter))
  } else {
    const page = await listConversions(db, q.filter, { cursor: q.cursor, limit: CONVERSION_PAGE_SIZE })
    items = page.items
    nextPage = page.nextPage
  }
  const partnerIds = [...new Set(items.flatMap((c) => (c.partnerId === null ? [] : [c.partnerId])))]
  const names = new Map((await partnersByIds(db, partnerIds)).map((p) => [p.id, p.name]))
  return {
    rows: items.map(({ history: _history, ...c }) => ({
      ...c,
      partnerName: c.partnerId === null ? null : (names.get(c.partnerId) ?? null),
    })),
    nextPage,
  }
}

async function listByTxn(db: Queryable, txnId: string, networkIds: number[]): Promise<ConversionView[]> {
  const rows = await conversionsWithTxnId(db, txnId, networkIds)
  return rows.map((e) => viewOf(e))
}

/** The other filters, applied to the few conversions of one txn id. */
function matches(c: ConversionView, f: ConversionFilter): boolean {
  if (f.status !== undefined && c.status !== f.status) return false
  if (f.partnerId !== undefined && c.partnerId !== f.partnerId) return false
  if (f.flag === 'any' && c.flag === null) return false
  if (f.flag === 'none' && c.flag !== null) return false
  if (f.flag !== undefined && f.flag !== 'any' && f.flag !== 'none' && c.flag !== f.flag) return false
  if (f.from !== undefined && c.createdAt < f.from) return false
  if (f.to !== undefined && c.createdAt >= f.to) return false
  return true
}
