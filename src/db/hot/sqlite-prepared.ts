// Prisma's better-sqlite3 adapter prepares every statement again on every call:
// it binds a call's values with better-sqlite3's bind(), which fixes them on the
// statement for good, so it cannot keep one. For the click batch, whose statement
// also compiles its trigger and foreign-key checks, that preparation cost more
// than writing the rows (the redirect went from 0.44 to 0.51 × bare Fastify with
// the statement kept), and every call left a statement for the GC to finalise.
// So statements are prepared once per SQL text, on the adapter's own
// better-sqlite3 connection: the same connection as every other query, so the
// same data, the same transaction gate, the same one writer.
import type BetterSqlite3 from 'better-sqlite3'

/** Runs `sql` with its one bound value; resolves to the rows it changed. */
export type PreparedRunner = (sql: string, value: string) => number

type Statement = BetterSqlite3.Statement

/** What the adapter does with a statement: prepare(sql).bind(args) then run, reader, columns, raw().all; prepare('BEGIN').run(). */
interface AdapterStatement {
  readonly reader: boolean
  run(): BetterSqlite3.RunResult
  bind(args: unknown[]): BoundStatement
}

interface BoundStatement {
  readonly reader: boolean
  run(): BetterSqlite3.RunResult
  columns(): BetterSqlite3.ColumnDefinition[]
  raw(): { all(): unknown[] }
}

/**
 * Keeps the adapter's statements prepared, and returns the runner for the app's
 * hot statements (Database.executeHot). The adapter keeps its connection in its
 * `client` field (public in its JavaScript, absent from its types): if an upgrade
 * moves it, opening the database fails here, loudly, rather than running without.
 *
 * The connection's prepare() then answers from a cache of statements by SQL text
 * (at most `max`, the least recently used dropped): the adapter gets a view whose
 * bind() keeps the call's values beside the shared statement instead of fixing
 * them on it. Statements run synchronously, one at a time, so sharing one is safe.
 */
export function keepStatementsPrepared(adapter: unknown, max = 500): PreparedRunner {
  const client = (adapter as { client?: Partial<BetterSqlite3.Database> }).client
  if (typeof client?.prepare !== 'function' || typeof client.open !== 'boolean') {
    throw new Error(
      '@prisma/adapter-better-sqlite3 no longer exposes its better-sqlite3 connection as `client` (src/db/hot/sqlite-prepared.ts)',
    )
  }
  const db = client as BetterSqlite3.Database
  const prepare = db.prepare.bind(db) as (sql: string) => Statement
  const statements = new Map<string, Statement>()
  const statement = (sql: string): Statement => {
    let s = statements.get(sql)
    if (s) {
      // Most recently used last: a Map keeps insertion order.
      statements.delete(sql)
    } else {
      s = prepare(sql)
      if (statements.size >= max) statements.delete(statements.keys().next().value!)
    }
    statements.set(sql, s)
    return s
  }
  const view = (s: Statement): AdapterStatement => ({
    reader: s.reader,
    run: () => s.run(),
    bind: (args) => ({
      reader: s.reader,
      // An array binds as the positional values, as the adapter's own bind(args) did.
      run: () => s.run(args),
      columns: () => s.columns(),
      raw: () => ({ all: () => s.raw(true).all(args) }),
    }),
  })
  ;(db as unknown as { prepare(sql: string): AdapterStatement }).prepare = (sql) => view(statement(sql))
  return (sql, value) => statement(sql).run(value).changes
}
