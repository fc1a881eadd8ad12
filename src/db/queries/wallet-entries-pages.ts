// Wallet entries as the console's conversion pages read them (src/ledger/
// conversion-detail.ts, conversion-list.ts): one conversion with its names, its
// history with the log line of each step, and the conversions of one txn id.
// Read only through src/ledger (scripts/check-architecture.ts), like wallet-entries.ts.
import { clientOf, type Queryable } from './access.ts'
import { conversionFields, type ConversionRow } from './conversion-fields.ts'

/** One conversion with its partner's and network's names, by id (primary key). */
export function conversionEntryById(db: Queryable, id: number) {
  return clientOf(db).walletEntry.findFirst({
    where: { id, type: 'conversion' },
    select: {
      id: true,
      txnId: true,
      clickId: true,
      assignmentId: true,
      status: true,
      amountCents: true,
      revenueCents: true,
      termsMode: true,
      termsValue: true,
      originalAmount: true,
      originalCurrency: true,
      fxRate: true,
      flag: true,
      createdAt: true,
      updatedAt: true,
      partner: { select: { id: true, name: true } },
      network: { select: { slug: true, name: true } },
    },
  })
}

/** Every step of one entry's history, oldest first, with the log line each came from (index on entry_id). */
export function historyOfEntry(db: Queryable, entryId: number) {
  return clientOf(db).walletEntryHistory.findMany({
    where: { entryId },
    orderBy: { id: 'asc' },
    select: {
      id: true,
      changedAt: true,
      fromStatus: true,
      toStatus: true,
      networkWord: true,
      amountCents: true,
      source: true,
      postbackLogId: true,
    },
  })
}

/**
 * The conversions of one txn id on any of these networks, newest first: probes
 * of the unique (network_id, txn_id) index, one per network, never a scan.
 */
export function conversionsWithTxnId(db: Queryable, txnId: string, networkIds: readonly number[]): Promise<ConversionRow[]> {
  if (networkIds.length === 0) return Promise.resolve([])
  return clientOf(db).walletEntry.findMany({
    where: { type: 'conversion', txnId, networkId: { in: [...networkIds] } },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    select: conversionFields,
  })
}
