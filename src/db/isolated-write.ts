// On SQLite, Prisma's better-sqlite3 adapter runs every statement on one shared
// connection and only interactive transactions (and multi-statement batches)
// take its transaction lock. A lone write issued while another request's
// interactive transaction is open therefore lands INSIDE that transaction, and is
// rolled back with it if it fails (seen with Prisma 7.10). Writes that must
// survive on their own (the postback log above all) go through writeIsolated:
// an interactive transaction on SQLite, a plain statement on PostgreSQL (one
// connection per query from the pool, no such sharing).
import type { Database, Prisma } from './client.ts'

export type DbWriter = Prisma.TransactionClient

export function writeIsolated<T>(database: Pick<Database, 'prisma' | 'provider'>, write: (db: DbWriter) => Promise<T>): Promise<T> {
  if (database.provider === 'sqlite') return database.prisma.$transaction((tx) => write(tx))
  return write(database.prisma)
}
