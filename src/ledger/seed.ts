// Entries booked with their history already written: the demo data set's
// conversions, decided by their network over the days after each click.
import type { Queryable } from '../db/queries/access.ts'
import { insertEntriesWithHistory, type SeedEntry } from '../db/queries/wallet-entries-seed.ts'

export type { SeedEntry }

export function seedEntries(db: Queryable, rows: readonly SeedEntry[]): Promise<void> {
  return insertEntriesWithHistory(db, rows)
}
