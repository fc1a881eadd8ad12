// Offers: reads and writes of the offers table, each with its network's slug.
import type { DbWriter } from '../client.ts'
import type { Offer, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const withNetwork = { network: { select: { slug: true } } } as const
export type OfferWithNetwork = Prisma.OfferGetPayload<{ include: typeof withNetwork }>

const withNetworkRules = { network: { select: { subidParam: true, subidSeparator: true } } } as const
export type OfferWithNetworkRules = Prisma.OfferGetPayload<{ include: typeof withNetworkRules }>

export function insertOffer(db: Queryable, data: Prisma.OfferUncheckedCreateInput): Promise<OfferWithNetwork> {
  return clientOf(db).offer.create({ data, include: withNetwork })
}

export function offerById(db: Queryable, id: number): Promise<Offer | null> {
  return clientOf(db).offer.findUnique({ where: { id } })
}

/** The offer with how its network's links carry the sub-id (what a new URL is checked against). */
export function offerWithNetworkRules(db: Queryable, id: number): Promise<OfferWithNetworkRules | null> {
  return clientOf(db).offer.findUnique({ where: { id }, include: withNetworkRules })
}

export function updateOfferById(db: DbWriter, id: number, data: Prisma.OfferUncheckedUpdateInput): Promise<OfferWithNetwork> {
  return db.offer.update({ where: { id }, data, include: withNetwork })
}

/** Offers by id, of one network when its slug is given. */
export function listOffers(db: Queryable, filter: { networkSlug?: string } = {}): Promise<OfferWithNetwork[]> {
  return clientOf(db).offer.findMany({
    where: filter.networkSlug ? { network: { slug: filter.networkSlug } } : {},
    include: withNetwork,
    orderBy: { id: 'asc' },
  })
}

/** The ids and names of these offers. */
export function offerNames(db: Queryable, ids: readonly number[]): Promise<{ id: number; name: string }[]> {
  return clientOf(db).offer.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } })
}

/** The ids of a network's offers. */
export async function offerIdsOfNetwork(db: Queryable, networkId: number): Promise<number[]> {
  const rows = await clientOf(db).offer.findMany({ where: { networkId }, select: { id: true } })
  return rows.map((r) => r.id)
}
