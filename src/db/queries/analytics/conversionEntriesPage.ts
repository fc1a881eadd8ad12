// One page of conversion entries created in [from, to), after an id, in id order
// (the CSV export's keyset: an entry whose status changes during the export is
// still read once).
import { clientOf, type Queryable } from '../access.ts'

export interface ConversionEntryRow {
  id: number
  createdAt: Date
  updatedAt: Date
  status: string
  /** What the network pays; null on entries booked before terms existed (then the amount). */
  revenueCents: number | null
  /** What the partner earns. */
  amountCents: number
  originalAmount: string | null
  originalCurrency: string | null
  fxRate: string | null
  networkId: number | null
  txnId: string | null
  clickId: string | null
  partnerId: number | null
  assignmentId: number | null
  flag: string | null
}

export async function conversionEntriesPage(
  db: Queryable,
  period: { from: Date; to: Date },
  afterId: number,
  limit: number,
): Promise<ConversionEntryRow[]> {
  return clientOf(db).walletEntry.findMany({
    where: { type: 'conversion', createdAt: { gte: period.from, lt: period.to }, id: { gt: afterId } },
    orderBy: { id: 'asc' },
    take: limit,
    select: {
      id: true,
      createdAt: true,
      updatedAt: true,
      status: true,
      revenueCents: true,
      amountCents: true,
      originalAmount: true,
      originalCurrency: true,
      fxRate: true,
      networkId: true,
      txnId: true,
      clickId: true,
      partnerId: true,
      assignmentId: true,
      flag: true,
    },
  })
}
