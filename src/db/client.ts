// The one place that opens the database: a Prisma client over the driver adapter
// that DATABASE_URL names. Both generated clients share the same model, so the app
// sees one type whatever the database.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import { PrismaClient as SqliteClient } from '../generated/sqlite/client.ts'
import { PrismaClient as PostgresClient } from '../generated/postgresql/client.ts'
import { providerOf, sqlitePath, type Provider } from './provider.ts'
import { IN_COMMIT_CHECKPOINT_PAGES, startCheckpointer, type Checkpointer } from './sqlite-checkpointer.ts'
import {
  directSql,
  keepConnection,
  keepStatementsPrepared,
  nameOf,
  pgHotClient,
  statementName,
  TransactionGatedAdapter,
  type DirectSql,
  type HotClient,
  type HotStatementRunner,
  type KeptConnectionFactory,
} from './hot/index.ts'
import type { Prisma } from '../generated/sqlite/client.ts'

export type Db = SqliteClient
export type { Prisma }
/** The client, or a transaction's client: what a write that may run inside a caller's transaction takes. */
export type DbWriter = Prisma.TransactionClient

export interface Database {
  prisma: Db
  provider: Provider
  /**
   * Runs one of the app's hot statements, whose text never changes, with its one
   * text value (the click batch, click-store.ts), around the client's own path:
   * on SQLite on the client's own connection, behind the transaction gate,
   * prepared once like every statement (sqlite-prepared.ts); on PostgreSQL on a
   * connection of its own, outside the pool, as a named statement
   * (pg-hot-client.ts, named-statements.ts).
   * Resolves to the rows changed.
   */
  executeHot: HotStatementRunner
  /** The postback batch's statements and transaction, on the same connection but around the client's path (direct-sql.ts). */
  sql: DirectSql
  close(): Promise<void>
}

export interface OpenOptions {
  /** PostgreSQL pool size per server instance. */
  poolSize?: number
  /** SQLite: checkpoint the WAL from a worker thread (the server; see sqlite-checkpointer.ts). */
  backgroundCheckpoint?: boolean
  /**
   * SQLite: how long a statement waits for a write lock another process holds
   * (default 5 s, the CLI's). The wait is synchronous and blocks the event loop,
   * so the server keeps it short and retries asynchronously (click-writer.ts) or
   * answers 503 (postbacks).
   */
  busyTimeoutMs?: number
  /** PostgreSQL: statement_timeout of every pooled connection, in ms (default: none). */
  statementTimeoutMs?: number
}

/** The CLI's busy wait: a command may wait for the server's short transactions. */
export const DEFAULT_BUSY_TIMEOUT_MS = 5_000
/** With a short busy wait, how long the gate waits asynchronously instead: under Prisma's 2 s wait to start a transaction. */
const SERVER_LOCK_WAIT_MS = 1_500

export async function openDatabase(databaseUrl: string, options: OpenOptions = {}): Promise<Database> {
  const provider = providerOf(databaseUrl)
  let prisma: Db
  let factory: KeptConnectionFactory
  let checkpointer: Checkpointer | undefined
  let executeHot: Database['executeHot'] | undefined
  let hot: HotClient | undefined
  if (provider === 'sqlite') {
    const file = sqlitePath(databaseUrl)
    const busyTimeoutMs = options.busyTimeoutMs ?? DEFAULT_BUSY_TIMEOUT_MS
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true })
    // Integer epoch-ms timestamps: compact, and range scans compare integers.
    factory = keepConnection(
      new PrismaBetterSqlite3({ url: file, timeout: busyTimeoutMs }, { timestampFormat: 'unixepoch-ms' }),
      (adapter) => {
        // What the busy wait no longer covers is waited for asynchronously (transaction-gate.ts).
        const gated = new TransactionGatedAdapter(adapter, { lockWaitMs: busyTimeoutMs < SERVER_LOCK_WAIT_MS ? SERVER_LOCK_WAIT_MS : 0 })
        const run = keepStatementsPrepared(adapter)
        // Synchronous, like the adapter's own statements; a throw becomes the promise's rejection.
        executeHot = (sql, value) => gated.outside(async () => run(sql, value))
        return gated
      },
    )
    prisma = new SqliteClient({ adapter: factory })
    // WAL: readers never block the writer; NORMAL is durable across process crashes in WAL mode.
    await prisma.$queryRawUnsafe('PRAGMA journal_mode = WAL')
    await prisma.$executeRawUnsafe('PRAGMA synchronous = NORMAL')
    await prisma.$executeRawUnsafe('PRAGMA foreign_keys = ON')
    if (options.backgroundCheckpoint) {
      await prisma.$queryRawUnsafe(`PRAGMA wal_autocheckpoint = ${IN_COMMIT_CHECKPOINT_PAGES}`)
      checkpointer = startCheckpointer(file)
    }
  } else {
    // A pool: a transaction holds its own connection, so no gate is needed.
    const pool = {
      connectionString: databaseUrl,
      max: options.poolSize ?? 10,
      // Sent once per connection, at connect: no round trip per statement.
      ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    }
    factory = keepConnection(new PrismaPg(pool, { statementNameGenerator: statementName }))
    prisma = new PostgresClient({ adapter: factory }) as unknown as Db
    // The click batch on a connection of its own, outside the pool (pg-hot-client.ts).
    const clicks = pgHotClient(databaseUrl)
    hot = clicks
    executeHot = (sql, value) => clicks.run(sql, value, nameOf(sql) || undefined)
  }
  await prisma.$connect()
  const connection = factory.connection
  // Both set while connecting (SQLite's runner needs the adapter's connection).
  if (!connection || !executeHot) throw new Error('the Prisma client connected without its driver adapter')
  return {
    prisma,
    provider,
    executeHot,
    sql: directSql(connection, provider),
    close: async () => {
      await checkpointer?.stop()
      await hot?.close()
      await prisma.$disconnect()
    },
  }
}
