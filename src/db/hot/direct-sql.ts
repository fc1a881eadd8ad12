// The postback batch's statements, run on the driver adapter the client itself
// connected through (kept-connection.ts), not through the client's own path: a
// `$queryRaw` builds and interprets a query plan for a statement that needs none,
// and an interactive `$transaction` costs as much again, an order of magnitude
// more than the same statement on the adapter; a batch runs eight of them. The
// statements stay the Prisma.sql templates they were; the adapter still maps
// values and errors (DriverAdapterError, db/errors.ts), and on SQLite the
// transaction gate still keeps other statements out of an open transaction.
import type { ArgType, SqlDriverAdapter, SqlQuery, SqlQueryable, Transaction } from '@prisma/driver-adapter-utils'
import type { Provider } from '../provider.ts'
import type { Sql } from '../sql.ts'

/** Statements on the connection, or inside a transaction on it. */
export interface SqlRunner {
  /** The rows the statement gives, as objects keyed by column name. */
  query<T extends object>(sql: Sql): Promise<T[]>
  /** The count of rows the statement changed. */
  execute(sql: Sql): Promise<number>
}

export interface DirectSql extends SqlRunner {
  /**
   * Runs `work` in one transaction: committed when it resolves, rolled back when
   * it throws. Work that outlasts `timeoutMs` (default 15 s, as the client's
   * interactive transactions here had) is refused at once with a
   * TransactionTimeout, and rolled back once it settles.
   */
  transaction<T>(work: (tx: SqlRunner) => Promise<T>, options?: { timeoutMs?: number }): Promise<T>
}

export class TransactionTimeout extends Error {
  constructor(ms: number) {
    super(`transaction took longer than ${ms} ms: rolled back`)
    this.name = 'TransactionTimeout'
  }
}

const STRING: ArgType = { scalarType: 'string', arity: 'scalar' }
const INT: ArgType = { scalarType: 'int', arity: 'scalar' }
const FLOAT: ArgType = { scalarType: 'float', arity: 'scalar' }
const DATETIME: ArgType = { scalarType: 'datetime', arity: 'scalar' }
const UNKNOWN: ArgType = { scalarType: 'unknown', arity: 'scalar' }

function argTypeOf(value: unknown): ArgType {
  if (typeof value === 'string') return STRING
  if (typeof value === 'number') return Number.isInteger(value) ? INT : FLOAT
  if (value instanceof Date) return DATETIME
  return UNKNOWN
}

function queryOf(provider: Provider, sql: Sql): SqlQuery {
  const args = sql.values
  // Sql spells its placeholders `?` in .sql and `$1…` in .text.
  return { sql: provider === 'postgresql' ? sql.text : sql.sql, args, argTypes: args.map(argTypeOf) }
}

function runner(on: SqlQueryable, provider: Provider): SqlRunner {
  return {
    async query<T extends object>(sql: Sql) {
      const { columnNames, rows } = await on.queryRaw(queryOf(provider, sql))
      return rows.map((row) => {
        const record: Record<string, unknown> = {}
        for (let i = 0; i < columnNames.length; i++) record[columnNames[i]!] = row[i]
        return record as T
      })
    },
    execute: (sql) => on.executeRaw(queryOf(provider, sql)),
  }
}

const COMMIT: SqlQuery = { sql: 'COMMIT', args: [], argTypes: [] }
const ROLLBACK: SqlQuery = { sql: 'ROLLBACK', args: [], argTypes: [] }

export function directSql(connection: SqlDriverAdapter, provider: Provider): DirectSql {
  return {
    ...runner(connection, provider),
    async transaction(work, options) {
      const tx: Transaction = await connection.startTransaction()
      // Both adapters leave COMMIT and ROLLBACK to their caller (usePhantomQuery: false) and
      // commit()/rollback() only hand the connection back; a phantom-query adapter ends it itself.
      const phantom = tx.options.usePhantomQuery
      const rollback = async () => {
        try {
          if (!phantom) await tx.executeRaw(ROLLBACK)
        } finally {
          await tx.rollback()
        }
      }
      const ms = options?.timeoutMs ?? 15_000
      // A work that throws before its first await still ends the transaction.
      const running = (async () => work(runner(tx, provider)))()
      let timer: NodeJS.Timeout | undefined
      const deadline = new Promise<never>((_, reject) => {
        timer = setTimeout(() => {
          reject(new TransactionTimeout(ms))
        }, ms)
      })
      let result
      try {
        result = await Promise.race([running, deadline])
      } catch (err) {
        // The work may still hold the connection: it is rolled back once it lets go.
        const ended = running.then(rollback, rollback)
        if (err instanceof TransactionTimeout) ended.catch(() => {})
        else await ended
        throw err
      } finally {
        clearTimeout(timer)
      }
      try {
        if (!phantom) await tx.executeRaw(COMMIT)
      } catch (err) {
        // A COMMIT that failed (a lost connection) committed nothing.
        await rollback().catch(() => {})
        throw err
      }
      await tx.commit()
      return result
    },
  }
}
