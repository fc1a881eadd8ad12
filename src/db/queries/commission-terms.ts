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
 * Inside the postback transaction (direct SQL), one statement: each of these
 * links' offer, and every terms row of those offers (none: the link alone).
 */
export async function termsOfLinks(
  db: SqlRunner,
  assignmentIds: readonly number[],
): Promise<{ offerOf: Map<number, number>; rows: Omit<CommissionTermRow, 'createdBy' | 'createdAt'>[] }> {
  if (assignmentIds.length === 0) return { offerOf: new Map(), rows: [] }
  const found = await db.query<{
    link_id: number | bigint
    offer_id: number | bigint
    id: number | bigint | null
    partner_id: number | bigint | null
    mode: string | null
    value: number | bigint | null
    effective_from: unknown
  }>(sql`
    SELECT a.id AS link_id, a.offer_id, t.id, t.partner_id, t.mode, t.value, t.effective_from
    FROM assignments a LEFT JOIN commission_terms t ON t.offer_id = a.offer_id
    WHERE a.id IN (${join(assignmentIds)})`)
  const offerOf = new Map<number, number>()
  const rows = new Map<number, Omit<CommissionTermRow, 'createdBy' | 'createdAt'>>()
  for (const r of found) {
    offerOf.set(Number(r.link_id), Number(r.offer_id))
    if (r.id === null || r.mode === null || r.value === null) continue
    rows.set(Number(r.id), {
      id: Number(r.id),
      offerId: Number(r.offer_id),
      partnerId: r.partner_id === null ? null : Number(r.partner_id),
      mode: r.mode,
      value: Number(r.value),
      effectiveFrom: msOf(r.effective_from),
    })
  }
  return { offerOf, rows: [...rows.values()] }
}
