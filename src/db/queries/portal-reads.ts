// What the partner portal reads: every query takes the partner's id from the
// caller (the session) and filters by it, so no row of another partner is read.
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const conversionFields = {
  id: true,
  status: true,
  amountCents: true,
  createdAt: true,
  updatedAt: true,
  revenueCents: true,
  termsMode: true,
  network: { select: { slug: true } },
} as const satisfies Prisma.WalletEntrySelect
export type PortalConversionRow = Prisma.WalletEntryGetPayload<{ select: typeof conversionFields }>

/** A partner's conversions, newest first, `take` of them after skipping `skip`. */
export function conversionsOfPartner(db: Queryable, partnerId: number, skip: number, take: number): Promise<PortalConversionRow[]> {
  return clientOf(db).walletEntry.findMany({
    where: { partnerId, type: 'conversion' },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    skip,
    take,
    select: conversionFields,
  })
}

/** One conversion of this partner, or null (another partner's id reads as unknown). */
export function conversionOfPartner(db: Queryable, partnerId: number, id: number): Promise<PortalConversionRow | null> {
  return clientOf(db).walletEntry.findFirst({ where: { id, partnerId, type: 'conversion' }, select: conversionFields })
}

const payoutFields = {
  id: true,
  amountCents: true,
  status: true,
  reference: true,
  reason: true,
  requestedAt: true,
  paidAt: true,
  rejectedAt: true,
} as const satisfies Prisma.PayoutSelect
export type PortalPayoutRow = Prisma.PayoutGetPayload<{ select: typeof payoutFields }>

export function payoutsOfPartnerPage(db: Queryable, partnerId: number, take: number): Promise<PortalPayoutRow[]> {
  return clientOf(db).payout.findMany({
    where: { partnerId },
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    take,
    select: payoutFields,
  })
}

export interface StatementEntryRow {
  id: number
  type: string
  status: string
  amountCents: number
  createdAt: Date
  payoutId: number | null
}

/** A partner's entries created in [from, to), oldest first. */
export function entriesOfPartnerBetween(db: Queryable, partnerId: number, from: Date, to: Date): Promise<StatementEntryRow[]> {
  return clientOf(db).walletEntry.findMany({
    where: { partnerId, createdAt: { gte: from, lt: to } },
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    select: { id: true, type: true, status: true, amountCents: true, createdAt: true, payoutId: true },
  })
}

/** The partner's balance-counting entries (confirmed conversions and adjustments, paid payouts) created before `before`, summed. */
export async function balanceCentsBefore(db: Queryable, partnerId: number, before: Date): Promise<number> {
  const client = clientOf(db)
  const sum = async (where: Prisma.WalletEntryWhereInput) =>
    (await client.walletEntry.aggregate({ where: { partnerId, createdAt: { lt: before }, ...where }, _sum: { amountCents: true } }))._sum
      .amountCents ?? 0
  const [earned, paid] = await Promise.all([
    sum({ type: { in: ['conversion', 'click_earnings', 'adjustment'] }, status: 'confirmed' }),
    sum({ type: 'payout', status: 'paid' }),
  ])
  return earned + paid
}

/** The first UTC instant of the partner's ledger, or null when it has no entry. */
export async function firstEntryAt(db: Queryable, partnerId: number): Promise<Date | null> {
  const row = await clientOf(db).walletEntry.findFirst({ where: { partnerId }, orderBy: { createdAt: 'asc' }, select: { createdAt: true } })
  return row?.createdAt ?? null
}

export function partnerIdentity(db: Queryable, partnerId: number) {
  return clientOf(db).partner.findUnique({ where: { id: partnerId }, select: { id: true, name: true, email: true } })
}
