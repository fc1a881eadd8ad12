// Commission terms and their history (src/terms): rows are only appended.
import type { SqlRunner } from '../hot/index.ts'
import { join, sql } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'
import type { DbWriter } from '../client.ts'

export interface CommissionTermRow {
  id: number
  offerId: number
  partnerId: number | null
  mode: string
  value: number
  effectiveFrom: Date
  createdBy: string
  createdAt: Date
}

export function insertCommissionTerm(
  db: DbWriter,
  row: { offerId: number; partnerId: number | null; mode: string; value: number; effectiveFrom: Date; createdBy: string },
): Promise<CommissionTermRow> {
  return clientOf(db).commissionTerm.create({ data: { ...row, createdAt: row.effectiveFrom } })
}

/** Every row of one offer (offer terms and every partner's overrides), oldest first. */
export function termsRowsOfOffer(db: Queryable, offerId: number): Promise<CommissionTermRow[]> {
  return clientOf(db).commissionTerm.findMany({ where: { offerId }, orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }] })
}

/** Every row of these offers, oldest first. */
export function termsRowsOfOffers(db: Queryable, offerIds: readonly number[]): Promise<CommissionTermRow[]> {
  if (offerIds.length === 0) return Promise.resolve([])
  return clientOf(db).commissionTerm.findMany({
    where: { offerId: { in: [...offerIds] } },
    orderBy: [{ effectiveFrom: 'asc' }, { id: 'asc' }],
  })
}

/** Every row whose mode is cpc, and the rows of the same offers (a cpc period ends with the next row). */
export async function termsRowsOfCpcOffers(db: Queryable): Promise<CommissionTermRow[]> {
  const offers = await clientOf(db).commissionTerm.findMany({ where: { mode: 'cpc' }, distinct: ['offerId'], select: { offerId: true } })
  return termsRowsOfOffers(
    db,
    offers.map((o) => o.offerId),
  )
}

const msOf = (v: unknown): Date => (v instanceof Date ? v : new Date(typeof v === 'string' && !/^\d+$/.test(v) ? Date.parse(v) : Number(v)))

/**
 * Inside the postback transaction (direct SQL): each of these links' offer, and
 * every terms row of those offers.
 */
export async function termsOfLinks(
  db: SqlRunner,
  assignmentIds: readonly number[],
): Promise<{ offerOf: Map<number, number>; rows: Omit<CommissionTermRow, 'createdBy' | 'createdAt'>[] }> {
  if (assignmentIds.length === 0) return { offerOf: new Map(), rows: [] }
  const links = await db.query<{ id: number | bigint; offer_id: number | bigint }>(
    sql`SELECT id, offer_id FROM assignments WHERE id IN (${join(assignmentIds)})`,
  )
  const offerOf = new Map(links.map((l) => [Number(l.id), Number(l.offer_id)]))
  const offers = [...new Set(offerOf.values())]
  if (offers.length === 0) return { offerOf, rows: [] }
  const rows = await db.query<{
    id: number | bigint
    offer_id: number | bigint
    partner_id: number | bigint | null
    mode: string
    value: number | bigint
    effective_from: unknown
  }>(sql`SELECT id, offer_id, partner_id, mode, value, effective_from FROM commission_terms WHERE offer_id IN (${join(offers)})`)
  return {
    offerOf,
    rows: rows.map((r) => ({
      id: Number(r.id),
      offerId: Number(r.offer_id),
      partnerId: r.partner_id === null ? null : Number(r.partner_id),
      mode: r.mode,
      value: Number(r.value),
      effectiveFrom: msOf(r.effective_from),
    })),
  }
}
