// How a query reaches the database: through the app's Database, its client, or a
// transaction's writer (a query that may run inside its caller's transaction
// takes any of them). And the one way the domains open a transaction.
import type { Database, DbWriter } from '../client.ts'

export type Queryable = Pick<Database, 'prisma'> | DbWriter

export function clientOf(db: Queryable): DbWriter {
  return 'prisma' in db ? db.prisma : db
}

export interface TransactionOptions {
  /** How long the transaction may run, in ms (Prisma's default: 5 s). */
  timeout?: number
  /** How long to wait for a connection to start it, in ms (Prisma's default: 2 s). */
  maxWait?: number
}

/** Runs `work` in one transaction: all of its writes, or none. */
export function inTransaction<T>(
  database: Pick<Database, 'prisma'>,
  work: (tx: DbWriter) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  return options ? database.prisma.$transaction(work, options) : database.prisma.$transaction(work)
}
