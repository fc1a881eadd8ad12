// Secondary indexes and foreign keys of a table, read back from the database
// itself: a bulk load drops them and rebuilds them afterwards exactly as migrated
// (a sort is far cheaper than millions of random B-tree inserts).
import type { Db } from '../../src/db/client.ts'

export interface IndexDef {
  name: string
  sql: string
}

export async function secondaryIndexes(db: Db, sqlite: boolean, table: string): Promise<IndexDef[]> {
  const rows = sqlite
    ? await db.$queryRawUnsafe<{ name: string; sql: string | null }[]>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = '${table}'`,
      )
    : await db.$queryRawUnsafe<{ name: string; sql: string }[]>(
        `SELECT indexname AS name, indexdef AS sql FROM pg_indexes WHERE tablename = '${table}' AND indexname NOT LIKE '%_pkey'`,
      )
  // Unique ones too: rebuilding a unique index checks every row again.
  return rows.filter((r): r is IndexDef => r.sql !== null)
}

export async function postgresForeignKeys(db: Db, table: string): Promise<{ name: string; def: string }[]> {
  return db.$queryRawUnsafe<{ name: string; def: string }[]>(
    `SELECT conname AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint WHERE conrelid = '${table}'::regclass AND contype = 'f'`,
  )
}

/** Drops a table's secondary indexes; the returned function builds them again. */
export async function withoutIndexes(db: Db, sqlite: boolean, table: string): Promise<() => Promise<void>> {
  const indexes = await secondaryIndexes(db, sqlite, table)
  for (const ix of indexes) await db.$executeRawUnsafe(`DROP INDEX "${ix.name}"`)
  return async () => {
    for (const ix of indexes) await db.$executeRawUnsafe(ix.sql)
  }
}
