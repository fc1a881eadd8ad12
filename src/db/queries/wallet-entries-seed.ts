// Wallet entries written in bulk with their whole status history at once: the
// demo data set's conversions (src/ledger/seed.ts). Reached only through src/ledger.
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export interface SeedEntry {
  entry: Prisma.WalletEntryCreateManyInput & { txnId: string }
  history: Omit<Prisma.WalletEntryHistoryCreateManyInput, 'entryId'>[]
}

/** One statement for the entries, one for their history (entries matched back by txn id). */
export async function insertEntriesWithHistory(db: Queryable, rows: readonly SeedEntry[]): Promise<void> {
  const created = await clientOf(db).walletEntry.createManyAndReturn({ data: rows.map((r) => r.entry), select: { id: true, txnId: true } })
  const idOf = new Map(created.map((e) => [e.txnId, e.id]))
  await clientOf(db).walletEntryHistory.createMany({
    data: rows.flatMap(({ entry, history }) => history.map((h) => ({ ...h, entryId: idOf.get(entry.txnId)! }))),
  })
}
