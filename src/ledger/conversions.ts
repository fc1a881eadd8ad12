// Conversions as the read API shows them (GET /admin/api/conversions): one by
// its network and txn id, with its whole history, or a filtered list, newest
// first, by keyset pages (a cursor of the last item's creation time and id: a
// page costs the same however deep, and entries booked meanwhile shift nothing).
import type { Queryable } from '../db/queries/access.ts'
import type { ConversionRow } from '../db/queries/conversion-fields.ts'
import {
  conversionById,
  conversionByTxn,
  conversionsPage,
  type ConversionDetail,
  type ConversionFilter,
} from '../db/queries/wallet-entries.ts'
import { InvalidInput, NotFound } from '../errors.ts'
import { termsOfEntry } from '../terms/rules.ts'
import { termsJson, type TermsJson } from '../terms/terms.ts'

export type { ConversionFilter }

export interface ConversionView {
  id: number
  network: string | null
  txnId: string | null
  partnerId: number | null
  clickId: string | null
  status: string
  /** What the partner earns. */
  amountCents: number
  /** What the network pays (the amount's source; src/terms). */
  revenueCents: number
  /** The commission terms the conversion was booked under (percent for revshare, else cents). */
  terms: TermsJson
  originalAmount: string | null
  originalCurrency: string | null
  fxRate: string | null
  flag: string | null
  createdAt: Date
  history: {
    at: Date
    fromStatus: string | null
    toStatus: string
    amountCents: number | null
    word: string | null
    source: string | null
  }[]
}

/** A conversion as the API answers it; a row read without its history shows none. */
export function viewOf(e: ConversionRow & { history?: ConversionDetail['history'] }): ConversionView {
  return {
    id: e.id,
    network: e.network?.slug ?? null,
    txnId: e.txnId,
    partnerId: e.partnerId,
    clickId: e.clickId,
    status: e.status,
    amountCents: e.amountCents,
    revenueCents: e.revenueCents ?? e.amountCents,
    terms: termsJson(termsOfEntry(e.termsMode, e.termsValue)),
    originalAmount: e.originalAmount,
    originalCurrency: e.originalCurrency,
    fxRate: e.fxRate,
    flag: e.flag,
    createdAt: e.createdAt,
    history: (e.history ?? []).map((h) => ({
      at: h.changedAt,
      fromStatus: h.fromStatus,
      toStatus: h.toStatus,
      amountCents: h.amountCents,
      word: h.networkWord,
      source: h.source,
    })),
  }
}

export async function conversionOf(db: Queryable, networkSlug: string, txnId: string): Promise<ConversionView> {
  const e = await conversionByTxn(db, networkSlug, txnId)
  if (!e) throw new NotFound(`no conversion ${txnId} on network ${networkSlug}`)
  return viewOf(e)
}

export async function conversionWithId(db: Queryable, id: number): Promise<ConversionView> {
  const e = await conversionById(db, id)
  if (!e) throw new NotFound(`no conversion #${id}`)
  return viewOf(e)
}

/** Largest page the list gives. */
export const MAX_PAGE_SIZE = 200

const cursorOf = (e: { createdAt: Date; id: number }) => Buffer.from(`${e.createdAt.getTime()}.${e.id}`).toString('base64url')

function parseCursor(cursor: string): { createdAt: Date; id: number } {
  const m = /^(\d{1,15})\.(\d{1,10})$/.exec(Buffer.from(cursor, 'base64url').toString())
  const id = m ? Number(m[2]) : NaN
  if (!m || !Number.isSafeInteger(id) || id > 2_147_483_647)
    throw new InvalidInput('malformed cursor (pass the nextPage of a previous answer)')
  return { createdAt: new Date(Number(m[1])), id }
}

export async function listConversions(
  db: Queryable,
  filter: ConversionFilter,
  page: { cursor?: string; limit: number },
): Promise<{ items: ConversionView[]; nextPage: string | null }> {
  const limit = Math.min(Math.max(1, page.limit), MAX_PAGE_SIZE)
  const after = page.cursor ? parseCursor(page.cursor) : null
  const rows = await conversionsPage(db, filter, after, limit + 1)
  const items = rows.slice(0, limit)
  const last = items.at(-1)
  return { items: items.map(viewOf), nextPage: rows.length > limit && last ? cursorOf(last) : null }
}
