// The portal's lists, each for one partner: tracked links (ready to copy),
// conversions (status and earnings; the network's revenue only under revshare
// terms, where the partner's share is a percentage of it), payouts.
import type { Queryable } from '../db/queries/access.ts'
import { conversionOfPartner, conversionsOfPartner, payoutsOfPartnerPage, type PortalConversionRow } from '../db/queries/portal-reads.ts'
import { NotFound } from '../errors.ts'
import { linkRows } from '../onboarding/links.ts'
import type { Database } from '../db/client.ts'
import { clicksBySubid } from '../tracking/subid-clicks.ts'
import { DAY_MS } from '../time.ts'

export const CONVERSIONS_PAGE_SIZE = 50

export const CONVERSION_STATUS_WORDS: Record<string, string> = {
  pending: 'en attente',
  confirmed: 'confirmée',
  rejected: 'refusée',
  reversed: 'annulée',
}

export interface PortalConversion {
  id: number
  status: string
  earningsCents: number
  /** The network's revenue: shown under revshare terms only (null otherwise). */
  revenueCents: number | null
  network: string | null
  createdAt: Date
  updatedAt: Date
}

function shown(r: PortalConversionRow): PortalConversion {
  // Entries booked before terms existed are revshare at 100 %: revenue = earnings.
  const revshare = r.termsMode === null || r.termsMode === 'revshare'
  return {
    id: r.id,
    status: r.status,
    earningsCents: r.amountCents,
    revenueCents: revshare ? (r.revenueCents ?? r.amountCents) : null,
    network: r.network?.slug ?? null,
    createdAt: r.createdAt,
    updatedAt: r.updatedAt,
  }
}

export async function portalConversions(db: Queryable, partnerId: number, page: number) {
  const rows = await conversionsOfPartner(db, partnerId, (page - 1) * CONVERSIONS_PAGE_SIZE, CONVERSIONS_PAGE_SIZE + 1)
  return { conversions: rows.slice(0, CONVERSIONS_PAGE_SIZE).map(shown), page, hasNext: rows.length > CONVERSIONS_PAGE_SIZE }
}

export async function portalConversion(db: Queryable, partnerId: number, id: number): Promise<PortalConversion> {
  const row = await conversionOfPartner(db, partnerId, id)
  if (!row) throw new NotFound(`conversion #${id} introuvable`)
  return shown(row)
}

export async function portalLinks(db: Queryable, partnerId: number, baseUrl: string) {
  const rows = await linkRows(db, baseUrl, { partnerId })
  return rows.map((l) => ({ id: l.id, link: l.link, status: l.status, content: l.content, offer: l.offer, clicks: l.clicks }))
}

/** The partner's clicks of the last 30 UTC days by s1, most first (at most 20 values). */
export async function portalSubidClicks(database: Pick<Database, 'prisma'>, partnerId: number, now = new Date()) {
  const rows = await clicksBySubid(database, { partnerId, from: new Date(now.getTime() - 29 * DAY_MS), to: now, key: 's1' })
  return rows.slice(0, 20)
}

export function portalPayouts(db: Queryable, partnerId: number) {
  return payoutsOfPartnerPage(db, partnerId, 100)
}
