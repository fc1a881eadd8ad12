// PostgreSQL's hot statement (the click batch) on a connection of its own: one
// pg.Client, outside the driver adapter's pool. Through the adapter each batch
// took a pool checkout and release and the adapter's own argument and result
// handling, a large share of a click's cost on PostgreSQL. The statement is one INSERT, atomic on
// its own, so it needs nothing the pool's connections hold (no transaction, no
// session state).
// A broken connection is dropped and the next statement opens a new one: the
// click writer retries a failed batch once, so a restart of PostgreSQL costs at
// most the batches in flight their first attempt. A statement or a connection
// attempt that gets no answer in time fails the same way: on a network that
// drops packets TCP alone would take many minutes to give up on it, and every
// click queued behind that batch would wait as long to be written.
import pg from 'pg'

/** The connection's application_name. */
export const HOT_CLIENT_NAME = 'contentflow-clicks'

export interface HotClient {
  /** Runs `sql` (a named statement when `name` is given) with its one text value; resolves to the rows changed. */
  run(sql: string, value: string, name?: string): Promise<number>
  close(): Promise<void>
}

export interface HotClientOptions {
  /** A statement with no answer after this long fails, and its connection is dropped. */
  queryTimeoutMs?: number
  /** Likewise for opening the connection. */
  connectTimeoutMs?: number
}

export function pgHotClient(connectionString: string, options: HotClientOptions = {}): HotClient {
  // Far above a batch's few milliseconds, even on a slow disk.
  const queryTimeout = options.queryTimeoutMs ?? 10_000
  const connectTimeout = options.connectTimeoutMs ?? 5_000
  let client: Promise<pg.Client> | undefined
  let closed = false

  const drop = (broken: Promise<pg.Client>) => {
    if (client !== broken) return
    client = undefined
    broken.then((c) => c.end()).catch(() => {})
  }

  const connected = (): Promise<pg.Client> => {
    if (closed) return Promise.reject(new Error('the database is closed'))
    if (!client) {
      // Named for pg_stat_activity: an operator sees which connection writes the clicks.
      const c = new pg.Client({
        connectionString,
        application_name: HOT_CLIENT_NAME,
        query_timeout: queryTimeout,
        connectionTimeoutMillis: connectTimeout,
      })
      const opening: Promise<pg.Client> = c.connect().then(() => c)
      // An idle connection the server ends (restart, idle timeout) errors here, not in a query.
      c.on('error', () => {
        drop(opening)
      })
      opening.catch(() => {
        drop(opening)
      })
      client = opening
    }
    return client
  }

  return {
    async run(sql, value, name) {
      const current = connected()
      const c = await current
      try {
        const result = await c.query(name ? { name, text: sql, values: [value] } : { text: sql, values: [value] })
        return result.rowCount ?? 0
      } catch (err) {
        // A statement's own error (a constraint) leaves the connection usable; a lost one does not.
        if (!isStatementError(err)) drop(current)
        throw err
      }
    },
    async close() {
      closed = true
      const current = client
      client = undefined
      if (current) await current.then((c) => c.end()).catch(() => {})
    },
  }
}

/**
 * PostgreSQL answered with an error of the statement (a constraint, a bad value):
 * the connection is fine. Not so for a socket error, nor for the classes that end
 * the session: 08 (connection exception) and 57 (operator intervention: shutdown).
 */
function isStatementError(err: unknown): boolean {
  return err instanceof pg.DatabaseError && typeof err.code === 'string' && !/^(08|57)/.test(err.code)
}
