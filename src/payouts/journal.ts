// Reading payouts for the console: the queue to validate and the journal with
// its filters (partner, status, period on the request date) and CSV export.
import { z } from 'zod'
import type { Queryable } from '../db/queries/access.ts'
import { openPayouts, payoutsFiltered, payoutTotalsByStatus, type PayoutFilter, type PayoutWithPartner } from '../db/queries/payouts.ts'
import { DAY_MS } from '../time.ts'
import { PAYOUT_STATUSES } from './payouts.ts'

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

/** A payout with its partner's name, as the queue, the journal and the CSV show it. */
export type PayoutRow = Omit<PayoutWithPartner, 'partner'> & { partnerName: string }

const toRow = ({ partner, ...p }: PayoutWithPartner): PayoutRow => ({ ...p, partnerName: partner.name })

/** Requested and approved payouts: the ops queue, oldest first. */
export async function payoutsToValidate(db: Queryable): Promise<PayoutRow[]> {
  return (await openPayouts(db, 500)).map(toRow)
}

function payoutFilterOf(filter: JournalFilter): PayoutFilter {
  return {
    ...(filter.partner ? { partnerId: filter.partner } : {}),
    ...(filter.status ? { status: filter.status } : {}),
    ...(filter.from ? { from: new Date(`${filter.from}T00:00:00Z`) } : {}),
    // "to" is a whole day, included.
    ...(filter.to ? { before: new Date(Date.parse(`${filter.to}T00:00:00Z`) + DAY_MS) } : {}),
  }
}

/** What the selected payouts add up to in one status. */
export interface StatusTotal {
  status: (typeof PAYOUT_STATUSES)[number]
  count: number
  cents: number
}

export interface JournalPage {
  rows: PayoutRow[]
  /** How many payouts the filter selects, all statuses. */
  total: number
  /**
   * Counts and sums per status, in the payout's order (requested → approved →
   * paid, then rejected), statuses with none left out: a sum across statuses
   * would add money paid to money refused.
   */
  byStatus: StatusTotal[]
  page: number
  pages: number
}

export async function payoutJournal(db: Queryable, filter: JournalFilter): Promise<JournalPage> {
  const where = payoutFilterOf(filter)
  const page = filter.page ?? 1
  const [rows, totals] = await Promise.all([
    payoutsFiltered(db, where, (page - 1) * JOURNAL_PAGE_SIZE, JOURNAL_PAGE_SIZE),
    payoutTotalsByStatus(db, where),
  ])
  const byStatus = PAYOUT_STATUSES.flatMap((status) => {
    const t = totals.find((x) => x.status === status)
    return t ? [{ status, count: t.count, cents: t.cents }] : []
  })
  const total = totals.reduce((n, t) => n + t.count, 0)
  return { rows: rows.map(toRow), total, byStatus, page, pages: Math.max(1, Math.ceil(total / JOURNAL_PAGE_SIZE)) }
}

/** Every payout the filter selects, for the CSV export (newest first). */
export async function payoutJournalAll(db: Queryable, filter: JournalFilter): Promise<PayoutRow[]> {
  return (await payoutsFiltered(db, payoutFilterOf(filter), 0, 1_000_000)).map(toRow)
}
