// What a report's rows are called: the tracked links it touches (with their
// partner, offer and the offer's network) and the names of partners, offers and
// networks, read for the ids the report found only.
import { clientOf, type Queryable } from './access.ts'

export interface ReportLink {
  id: number
  code: string
  partnerId: number
  offerId: number
  networkId: number
}

export async function reportLinks(db: Queryable, ids: readonly number[]): Promise<ReportLink[]> {
  if (ids.length === 0) return []
  const rows = await clientOf(db).assignment.findMany({
    where: { id: { in: [...ids] } },
    select: { id: true, code: true, partnerId: true, offerId: true, offer: { select: { networkId: true } } },
  })
  return rows.map((r) => ({ id: r.id, code: r.code, partnerId: r.partnerId, offerId: r.offerId, networkId: r.offer.networkId }))
}

export type NamedTable = 'partner' | 'offer' | 'network'

export async function namesOf(db: Queryable, table: NamedTable, ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0) return new Map()
  const where = { where: { id: { in: [...ids] } }, select: { id: true, name: true } }
  const client = clientOf(db)
  const rows =
    table === 'partner'
      ? await client.partner.findMany(where)
      : table === 'offer'
        ? await client.offer.findMany(where)
        : await client.network.findMany(where)
  return new Map(rows.map((r) => [r.id, r.name]))
}
