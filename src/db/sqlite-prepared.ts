// Prisma's better-sqlite3 adapter prepares every statement again on every call:
// it binds a call's values with better-sqlite3's bind(), which fixes them on the
// statement for good, so it cannot keep one. For the click batch, whose statement
// also compiles its trigger and foreign-key checks, that preparation cost more
// than writing the rows (the redirect went from 0.44 to 0.51 × bare Fastify with
// the statement kept). So the app's hot statements are prepared once, on the
// adapter's own better-sqlite3 connection: the same connection as every other
// query, so the same data, the same transaction gate, the same one writer.
import type BetterSqlite3 from 'better-sqlite3'

/** Runs `sql` with its one bound value; resolves to the rows it changed. */
export type PreparedRunner = (sql: string, value: string) => number

/**
 * The runner over the adapter's connection. The adapter keeps it in its `client`
 * field (public in its JavaScript, absent from its types): if an upgrade moves it,
 * opening the database fails here, loudly, rather than running without it.
 */
export function preparedRunner(adapter: unknown): PreparedRunner {
  const client = (adapter as { client?: Partial<BetterSqlite3.Database> }).client
  if (typeof client?.prepare !== 'function' || typeof client.open !== 'boolean') {
    throw new Error('@prisma/adapter-better-sqlite3 no longer exposes its better-sqlite3 connection as `client` (src/db/sqlite-prepared.ts)')
  }
  const db = client as BetterSqlite3.Database
  const statements = new Map<string, BetterSqlite3.Statement<[string]>>()
  return (sql, value) => {
    let statement = statements.get(sql)
    if (!statement) {
      statement = db.prepare<[string]>(sql)
      statements.set(sql, statement)
    }
    return statement.run(value).changes
  }
}
