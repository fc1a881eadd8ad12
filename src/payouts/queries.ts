// Reading payouts for the console: the queue to validate and the journal with
// its filters (partner, status, period on the request date) and CSV export.
import { z } from 'zod'
import type { Db, Prisma } from '../db/client.ts'
import { PAYOUT_STATUSES } from './payouts.ts'

const DAY_MS = 24 * 60 * 60 * 1000
const isoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'date attendue au format AAAA-MM-JJ')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)), 'date invalide')

const optional = <T extends z.ZodType>(schema: T) => z.preprocess((v) => (v === '' || v === undefined ? undefined : v), schema.optional())

export const journalFilterSchema = z.object({
  partner: optional(z.coerce.number().int().positive().max(2_147_483_647)),
  status: optional(z.enum(PAYOUT_STATUSES)),
  from: optional(isoDate),
  to: optional(isoDate),
  page: optional(z.coerce.number().int().min(1).max(100_000)),
})
export type JournalFilter = z.infer<typeof journalFilterSchema>

export const JOURNAL_PAGE_SIZE = 100

export interface PayoutRow {
  id: number
  partnerId: number
  partnerName: string
  amountCents: number
  status: string
  reference: string | null
  reason: string | null
  requestedAt: Date
  approvedAt: Date | null
  paidAt: Date | null
  rejectedAt: Date | null
}

const rowSelect = {
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
  partner: { select: { name: true } },
} as const

type SelectedRow = Prisma.PayoutGetPayload<{ select: typeof rowSelect }>
const toRow = ({ partner, ...p }: SelectedRow): PayoutRow => ({ ...p, partnerName: partner.name })

/** Requested and approved payouts: the ops queue, oldest first. */
export async function payoutsToValidate(db: Db): Promise<PayoutRow[]> {
  const rows = await db.payout.findMany({
    where: { status: { in: ['requested', 'approved'] } },
    orderBy: [{ requestedAt: 'asc' }, { id: 'asc' }],
    select: rowSelect,
    take: 500,
  })
  return rows.map(toRow)
}

function whereOf(filter: JournalFilter): Prisma.PayoutWhereInput {
  const requestedAt: Prisma.DateTimeFilter = {}
  if (filter.from) requestedAt.gte = new Date(`${filter.from}T00:00:00Z`)
  // "to" is a whole day, included.
  if (filter.to) requestedAt.lt = new Date(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS)
  return {
    ...(filter.partner ? { partnerId: filter.partner } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.from || filter.to ? { requestedAt } : {}),
  }
}

export interface JournalPage {
  rows: PayoutRow[]
  total: number
  totalCents: number
  page: number
  pages: number
}

export async function payoutJournal(db: Db, filter: JournalFilter): Promise<JournalPage> {
  const where = whereOf(filter)
  const page = filter.page ?? 1
  const [rows, agg] = await Promise.all([
    db.payout.findMany({
      where,
      orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
      select: rowSelect,
      skip: (page - 1) * JOURNAL_PAGE_SIZE,
      take: JOURNAL_PAGE_SIZE,
    }),
    db.payout.aggregate({ where, _count: { _all: true }, _sum: { amountCents: true } }),
  ])
  const total = agg._count._all
  return {
    rows: rows.map(toRow),
    total,
    totalCents: Number(agg._sum.amountCents ?? 0),
    page,
    pages: Math.max(1, Math.ceil(total / JOURNAL_PAGE_SIZE)),
  }
}

/** Every payout the filter selects, for the CSV export (newest first). */
export async function payoutJournalAll(db: Db, filter: JournalFilter): Promise<PayoutRow[]> {
  const rows = await db.payout.findMany({
    where: whereOf(filter),
    orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }],
    select: rowSelect,
    take: 1_000_000,
  })
  return rows.map(toRow)
}
