// Partners: reads and writes of the partners table, and the partner's lock.
import type { DbWriter } from '../client.ts'
import type { Prisma, Provider } from '../types.ts'
import { sql, toNumber } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

const identity = { id: true, name: true, email: true, createdAt: true } as const
/** Who a partner is (no money: balances are the ledger's). */
export type PartnerIdentity = Prisma.PartnerGetPayload<{ select: typeof identity }>

export function insertPartner(db: Queryable, data: { name: string; email: string | null; createdAt?: Date }): Promise<PartnerIdentity> {
  return clientOf(db).partner.create({ data, select: identity })
}

export function partnerById(db: Queryable, id: number): Promise<PartnerIdentity | null> {
  return clientOf(db).partner.findUnique({ where: { id }, select: identity })
}

/** Every partner, by id. */
export function allPartners(db: Queryable): Promise<PartnerIdentity[]> {
  return clientOf(db).partner.findMany({ select: identity, orderBy: { id: 'asc' } })
}

/** The first `take` partners by name (a form's list of choices). */
export function partnersByName(db: Queryable, take: number): Promise<PartnerIdentity[]> {
  return clientOf(db).partner.findMany({ select: identity, orderBy: [{ name: 'asc' }, { id: 'asc' }], take })
}

/** Ids per read: the SQLite adapter refuses a statement with more than 999 parameters (P2029). */
const IDS_PER_READ = 500

/** These partners, by id (many ids are read in slices). */
export async function partnersByIds(db: Queryable, ids: readonly number[]): Promise<PartnerIdentity[]> {
  const found: PartnerIdentity[] = []
  for (let i = 0; i < ids.length || i === 0; i += IDS_PER_READ) {
    const slice = ids.slice(i, i + IDS_PER_READ)
    found.push(...(await clientOf(db).partner.findMany({ where: { id: { in: slice } }, orderBy: { id: 'asc' }, select: identity })))
  }
  return ids.length > IDS_PER_READ ? found.sort((x, y) => x.id - y.id) : found
}

/** The first `take` partner ids. */
export async function firstPartnerIds(db: Queryable, take: number): Promise<number[]> {
  const rows = await clientOf(db).partner.findMany({ orderBy: { id: 'asc' }, take, select: { id: true } })
  return rows.map((p) => p.id)
}

/**
 * Ids of partners whose name or e-mail contains `term` (lower case), or whose id
 * is `id`, the first `take` by id.
 */
export async function searchPartnerIds(db: Queryable, term: string, id: number | null, take: number): Promise<number[]> {
  // LOWER … LIKE works the same on both databases (Prisma's insensitive mode is PostgreSQL-only).
  const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
  const rows = await clientOf(db).$queryRaw<{ id: unknown }[]>(sql`
    SELECT id FROM partners WHERE LOWER(name) LIKE ${like} ESCAPE '\\' OR LOWER(COALESCE(email, '')) LIKE ${like} ESCAPE '\\' OR id = ${id ?? -1}
    ORDER BY id LIMIT ${take}`)
  return rows.map((r) => toNumber(r.id))
}

/** How many partners there are (the demo fills only an empty database). */
export function countPartners(db: Queryable): Promise<number> {
  return clientOf(db).partner.count()
}

/**
 * Takes the partner's lock for the rest of the transaction: PostgreSQL locks the
 * partner row (SELECT … FOR UPDATE); SQLite has one writer and its transactions
 * already run one at a time. False when there is no such partner.
 */
export async function lockPartner(tx: DbWriter, provider: Provider, partnerId: number): Promise<boolean> {
  const found =
    provider === 'postgresql'
      ? await tx.$queryRaw<{ id: number }[]>(sql`SELECT id FROM partners WHERE id = ${partnerId} FOR UPDATE`)
      : await tx.$queryRaw<{ id: number }[]>(sql`SELECT id FROM partners WHERE id = ${partnerId}`)
  return found.length > 0
}
