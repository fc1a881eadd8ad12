// Networks: reads and writes of the networks table.
import type { DbWriter } from '../client.ts'
import type { Network, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export function insertNetwork(db: Queryable, data: Prisma.NetworkUncheckedCreateInput): Promise<Network> {
  return clientOf(db).network.create({ data })
}

export function networkBySlug(db: Queryable, slug: string): Promise<Network | null> {
  return clientOf(db).network.findUnique({ where: { slug } })
}

export function updateNetworkById(db: DbWriter, id: number, data: Prisma.NetworkUncheckedUpdateInput): Promise<Network> {
  return db.network.update({ where: { id }, data })
}

/** Every network, by slug. */
export function allNetworks(db: Queryable): Promise<Network[]> {
  return clientOf(db).network.findMany({ orderBy: { slug: 'asc' } })
}

/** How many networks there are (the demo fills only an empty database). */
export function countNetworks(db: Queryable): Promise<number> {
  return clientOf(db).network.count()
}
