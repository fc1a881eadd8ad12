// Offers: an advertiser URL (carrying the operator's affiliate id) on a network.
// The URL is checked where it is entered: absolute http(s), and able to carry the
// network's sub-id parameter, so a live link can always be built from it.
import { z } from 'zod'
import { InvalidInput, NotFound } from '../errors.ts'
import { subidPrefix, type SubidSeparator } from '../tracking/subid.ts'
import { InvalidOfferUrl, targetTemplate } from '../tracking/target-url.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { networkBySlug } from '../db/queries/networks.ts'
import {
  insertOffer,
  listOffers as offerRows,
  offerWithNetworkRules,
  updateOfferById,
  type OfferWithNetwork,
} from '../db/queries/offers.ts'
import { audit } from './audit.ts'
import type { OnboardingContext } from './networks.ts'

const offerUrl = z.string().trim().min(1).max(2048)

export const offerCreateSchema = z.strictObject({
  network: z.string().trim().min(1).max(64),
  name: z.string().trim().min(1).max(200),
  url: offerUrl,
})

export const offerUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(200).optional(),
    url: offerUrl.optional(),
    /** false pauses the offer: its links answer 404 at once. */
    active: z.boolean().optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to change')

export interface OfferView {
  id: number
  network: string
  name: string
  url: string
  active: boolean
  createdAt: Date
  updatedAt: Date
}

function checkUrl(url: string, network: { subidParam: string; subidSeparator: string }) {
  try {
    targetTemplate(url, network.subidParam, subidPrefix(1, 1, network.subidSeparator as SubidSeparator))
  } catch (err) {
    if (err instanceof InvalidOfferUrl) throw new InvalidInput(`url: ${err.message}`)
    throw err
  }
}

function view(o: OfferWithNetwork): OfferView {
  return { id: o.id, network: o.network.slug, name: o.name, url: o.url, active: o.active, createdAt: o.createdAt, updatedAt: o.updatedAt }
}

export async function createOffer(ctx: OnboardingContext, input: unknown): Promise<OfferView> {
  const o = offerCreateSchema.parse(input)
  return inTransaction(ctx.database, async (db) => {
    const network = await networkBySlug(db, o.network)
    if (!network) throw new InvalidInput(`network: no network "${o.network}"`)
    checkUrl(o.url, network)
    const row = await insertOffer(db, { networkId: network.id, name: o.name, url: o.url })
    await audit(db, ctx.actor, 'offer.create', `offer:${row.id}`, { network: o.network })
    return view(row)
  })
}

export async function updateOffer(ctx: OnboardingContext, id: number, input: unknown): Promise<OfferView> {
  const u = offerUpdateSchema.parse(input)
  return inTransaction(ctx.database, async (db) => {
    const current = await offerWithNetworkRules(db, id)
    if (!current) throw new NotFound(`no offer ${id}`)
    if (u.url !== undefined) checkUrl(u.url, current.network)
    const row = await updateOfferById(db, id, u)
    const action = u.active === false ? 'offer.pause' : u.active === true ? 'offer.resume' : 'offer.update'
    await audit(db, ctx.actor, action, `offer:${id}`, { changed: Object.keys(u) })
    return view(row)
  })
}

export async function listOffers(ctx: { database: Queryable }, filter: { network?: string } = {}): Promise<OfferView[]> {
  const rows = await offerRows(ctx.database, filter.network ? { networkSlug: filter.network } : {})
  return rows.map(view)
}
