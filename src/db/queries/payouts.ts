// Payouts: reads and writes of the payouts table (the ledger books a paid
// payout's entry; this is the request and its states).
import type { DbWriter } from '../client.ts'
import type { Payout, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const fields = {
  id: true,
  partnerId: true,
  amountCents: true,
  status: true,
  reference: true,
  reason: true,
  requestedAt: true,
  approvedAt: true,
  paidAt: true,
  rejectedAt: true,
} as const
/** A payout as the API answers it. */
export type PayoutRow = Prisma.PayoutGetPayload<{ select: typeof fields }>

const withPartnerName = { ...fields, partner: { select: { name: true } } } as const
export type PayoutWithPartner = Prisma.PayoutGetPayload<{ select: typeof withPartnerName }>

export function payoutById(db: Queryable, id: number): Promise<PayoutRow | null> {
  return clientOf(db).payout.findUnique({ where: { id }, select: fields })
}

export async function partnerOfPayout(db: Queryable, id: number): Promise<number | null> {
  return (await clientOf(db).payout.findUnique({ where: { id }, select: { partnerId: true } }))?.partnerId ?? null
}

/** What a partner has requested and not yet been paid or refused, in cents. */
export async function openPayoutsCents(db: Queryable, partnerId: number): Promise<number> {
  const open = await clientOf(db).payout.aggregate({
    _sum: { amountCents: true },
    where: { partnerId, status: { in: ['requested', 'approved'] } },
  })
  return open._sum.amountCents ?? 0
}

export function insertPayout(db: Queryable, data: Prisma.PayoutUncheckedCreateInput): Promise<PayoutRow> {
  return clientOf(db).payout.create({ data, select: fields })
}

export function updatePayoutById(
  db: DbWriter,
  id: number,
  data: { status: string; approvedAt?: Date; paidAt?: Date; rejectedAt?: Date; reason?: string; reference?: string },
): Promise<PayoutRow> {
  return db.payout.update({ where: { id }, data, select: fields })
}

/** Requested and approved payouts, oldest first. */
export function openPayouts(db: Queryable, take: number): Promise<PayoutWithPartner[]> {
  return clientOf(db).payout.findMany({
    where: { status: { in: ['requested', 'approved'] } },
    orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    select: withPartnerName,
    take,
  })
}

export interface PayoutFilter {
  partnerId?: number
  status?: string
  /** Requested at or after. */
  from?: Date
  /** Requested before. */
  before?: Date
}

function whereOf(filter: PayoutFilter): Prisma.PayoutWhereInput {
  const requestedAt: Prisma.DateTimeFilter = {}
  if (filter.from) requestedAt.gte = filter.from
  if (filter.before) requestedAt.lt = filter.before
  return {
    ...(filter.partnerId ? { partnerId: filter.partnerId } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.from || filter.before ? { requestedAt } : {}),
  }
}

/** Payouts the filter selects, newest first, `take` of them after `skip`. */
export function payoutsFiltered(db: Queryable, filter: PayoutFilter, skip: number, take: number): Promise<PayoutWithPartner[]> {
  return clientOf(db).payout.findMany({
    where: whereOf(filter),
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    select: withPartnerName,
    ...(skip > 0 ? { skip } : {}),
    take,
  })
}

/** The payouts the filter selects, counted and summed per status. */
export async function payoutTotalsByStatus(
  db: Queryable,
  filter: PayoutFilter,
): Promise<{ status: string; count: number; cents: number }[]> {
  const rows = await clientOf(db).payout.groupBy({
    by: ['status'],
    where: whereOf(filter),
    _count: { _all: true },
    _sum: { amountCents: true },
    orderBy: { status: 'asc' },
  })
  return rows.map((r) => ({ status: r.status, count: r._count._all, cents: r._sum.amountCents ?? 0 }))
}

/** A partner's latest payouts, newest first. */
export function payoutsOfPartner(db: Queryable, partnerId: number, take: number): Promise<Payout[]> {
  return clientOf(db).payout.findMany({ where: { partnerId }, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }], take })
}
