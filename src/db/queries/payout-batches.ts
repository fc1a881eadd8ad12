// Payout batches (the files sent to a rail) and their items: reads and writes,
// and the approved payouts not yet in any batch, with what the file needs of
// their partners.
import type { DbWriter } from '../client.ts'
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const exportable = {
  id: true,
  partnerId: true,
  amountCents: true,
  approvedAt: true,
  partner: {
    select: { id: true, name: true, payoutMethod: true, payoutIban: true, payoutBic: true, payoutHolder: true, payoutEmail: true },
  },
} as const
/** An approved payout with its partner's payout details. */
export type ExportablePayout = Prisma.PayoutGetPayload<{ select: typeof exportable }>

/** Approved payouts in no batch yet, oldest approval first. */
export function approvedPayoutsOutsideBatches(db: Queryable, take: number): Promise<ExportablePayout[]> {
  return clientOf(db).payout.findMany({
    where: { status: 'approved', batchItem: null },
    orderBy: [{ approvedAt: 'asc' }, { id: 'asc' }],
    select: exportable,
    take,
  })
}

const item = {
  id: true,
  payoutId: true,
  endToEndId: true,
  amountCents: true,
  skipReason: true,
  payout: { select: { status: true, reference: true, partnerId: true, partner: { select: { name: true } } } },
} as const
const batchFields = {
  id: true,
  rail: true,
  reference: true,
  createdBy: true,
  createdAt: true,
  paidReference: true,
  paidBy: true,
  paidAt: true,
  items: { select: item, orderBy: { id: 'asc' } },
} as const
/** A batch with its items and their payouts' state (not the file). */
export type BatchRow = Prisma.PayoutBatchGetPayload<{ select: typeof batchFields }>

export function batchById(db: Queryable, id: number): Promise<BatchRow | null> {
  return clientOf(db).payoutBatch.findUnique({ where: { id }, select: batchFields })
}

export function recentBatches(db: Queryable, take: number): Promise<BatchRow[]> {
  return clientOf(db).payoutBatch.findMany({ orderBy: { id: 'desc' }, select: batchFields, take })
}

export async function batchFileOf(db: Queryable, id: number): Promise<{ rail: string; reference: string; file: string } | null> {
  return clientOf(db).payoutBatch.findUnique({ where: { id }, select: { rail: true, reference: true, file: true } })
}

/** A new batch row; its reference and file are written once its id is known (same transaction). */
export async function insertBatch(db: DbWriter, data: { rail: string; provisionalReference: string; createdBy: string; createdAt: Date }) {
  return db.payoutBatch.create({
    data: { rail: data.rail, reference: data.provisionalReference, file: '', createdBy: data.createdBy, createdAt: data.createdAt },
    select: { id: true },
  })
}

export async function completeBatch(db: DbWriter, id: number, reference: string, file: string): Promise<void> {
  await db.payoutBatch.update({ where: { id }, data: { reference, file } })
}

export async function insertBatchItems(
  db: DbWriter,
  batchId: number,
  items: readonly { payoutId: number; endToEndId: string; amountCents: number }[],
): Promise<void> {
  await db.payoutBatchItem.createMany({ data: items.map((i) => ({ batchId, ...i })) })
}

export async function setItemSkipReason(db: Queryable, itemId: number, skipReason: string | null): Promise<void> {
  await clientOf(db).payoutBatchItem.update({ where: { id: itemId }, data: { skipReason } })
}

export async function markBatchPaidRow(
  db: Queryable,
  id: number,
  data: { paidReference: string; paidBy: string; paidAt: Date },
): Promise<void> {
  await clientOf(db).payoutBatch.update({ where: { id }, data })
}

/** The batch reference of each of these payouts that is in a batch. */
export async function batchesOfPayouts(
  db: Queryable,
  payoutIds: readonly number[],
): Promise<Map<number, { batchId: number; reference: string }>> {
  const rows = await clientOf(db).payoutBatchItem.findMany({
    where: { payoutId: { in: [...payoutIds] } },
    select: { payoutId: true, batchId: true, batch: { select: { reference: true } } },
  })
  return new Map(rows.map((r) => [r.payoutId, { batchId: r.batchId, reference: r.batch.reference }]))
}
