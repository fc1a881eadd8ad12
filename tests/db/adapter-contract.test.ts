// What the hot path (src/db/hot) relies on inside Prisma's driver adapters,
// beyond their typed interface. An upgrade that renames or reshapes any of it
// fails here, by name, rather than slowing down or breaking the hot path quietly.
//  - better-sqlite3 adapter: its connection in the `client` field (sqlite-prepared.ts),
//    and the statement calls it makes on it: prepare(sql).bind(args) then .reader,
//    .run(), .columns(), .raw().all(); prepare('BEGIN').run() to open a transaction.
//  - both adapters: transactions leave COMMIT and ROLLBACK to their caller
//    (usePhantomQuery false: direct-sql.ts sends them itself).
//  - pg adapter: a query is named by statementNameGenerator (named-statements.ts).
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import { PrismaPg } from '@prisma/adapter-pg'
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils'
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'

const query = (sql: string, ...args: (string | number)[]): SqlQuery => ({
  sql,
  args,
  argTypes: args.map((a) => ({ scalarType: typeof a === 'number' ? 'int' : 'string', arity: 'scalar' }) as const),
})

/** Records every member read on a statement (and on what its bind() and raw() return), by path. */
function recording<T extends object>(target: T, at: string, reads: Set<string>): T {
  return new Proxy(target, {
    get(obj, key, receiver) {
      const value: unknown = Reflect.get(obj, key, receiver)
      if (typeof key !== 'string') return value
      const where = `${at}.${key}`
      reads.add(where)
      if (typeof value !== 'function') return value
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(obj, args)
        return (key === 'bind' || key === 'raw') && out !== null && typeof out === 'object' ? recording(out, `${where}()`, reads) : out
      }
    },
  })
}

describe('the better-sqlite3 adapter [sqlite]', () => {
  let dir: string
  let adapter: SqlDriverAdapter

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-contract-'))
    adapter = await new PrismaBetterSqlite3({ url: path.join(dir, 'db.sqlite') }).connect()
    await adapter.executeScript('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
  })
  afterEach(async () => {
    await adapter.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  it('keeps its better-sqlite3 connection in `client`', () => {
    const client = (adapter as unknown as { client?: { prepare?: unknown; open?: unknown; exec?: unknown } }).client
    expect(typeof client?.prepare).toBe('function')
    expect(typeof client?.open).toBe('boolean')
    expect(client?.open).toBe(true)
  })

  it('runs statements only through prepare(sql).bind(args) and the members the prepared view offers', async () => {
    const holder = adapter as unknown as { client: { prepare(sql: string): object } }
    const client = holder.client
    const prepare = client.prepare.bind(client)
    const reads = new Set<string>()
    client.prepare = (sql: string) => recording(prepare(sql), 'statement', reads)

    await adapter.executeRaw(query('INSERT INTO t (id, n) VALUES (?, ?)', 'a', 1))
    const rows = await adapter.queryRaw(query('SELECT id, n FROM t WHERE id = ?', 'a'))
    expect(rows.columnNames).toEqual(['id', 'n'])
    expect(rows.rows).toEqual([['a', 1]])
    const tx = await adapter.startTransaction()
    await tx.executeRaw(query('UPDATE t SET n = ? WHERE id = ?', 2, 'a'))
    await tx.executeRaw(query('COMMIT'))
    await tx.commit()

    // sqlite-prepared.ts's view offers exactly these (reader, run, bind → reader, run, columns, raw().all).
    const offered = new Set([
      'statement.reader',
      'statement.run',
      'statement.bind',
      'statement.bind().reader',
      'statement.bind().run',
      'statement.bind().columns',
      'statement.bind().raw',
      'statement.bind().raw().all',
    ])
    expect([...reads].filter((r) => !offered.has(r))).toEqual([])
    expect(reads).toContain('statement.bind')
    expect(reads).toContain('statement.bind().raw().all')
  })

  it('leaves COMMIT and ROLLBACK to its caller', async () => {
    const tx = await adapter.startTransaction()
    expect(tx.options.usePhantomQuery).toBe(false)
    await tx.executeRaw(query('ROLLBACK'))
    await tx.rollback()
  })
})

describe.skipIf(!inject('postgresAvailable'))('the pg adapter [postgresql]', () => {
  let scratch: ScratchDatabase
  let adapter: SqlDriverAdapter
  const named: string[] = []

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    adapter = await new PrismaPg(
      { connectionString: scratch.url, max: 1 },
      {
        statementNameGenerator: (q: SqlQuery) => {
          named.push(q.sql)
          return q.sql === 'SELECT 41 + 1 AS n' ? 'contract_probe' : ''
        },
      },
    ).connect()
  })
  afterAll(async () => {
    await adapter?.dispose()
    await scratch?.drop()
  })

  it('names a query by statementNameGenerator, on the connection that runs it', async () => {
    expect((await adapter.queryRaw(query('SELECT 41 + 1 AS n'))).rows).toEqual([[42]])
    expect(named).toContain('SELECT 41 + 1 AS n')
    const prepared = await adapter.queryRaw(query("SELECT name FROM pg_prepared_statements WHERE name = 'contract_probe'"))
    expect(prepared.rows).toEqual([['contract_probe']])
  })

  it('leaves COMMIT and ROLLBACK to its caller', async () => {
    const tx = await adapter.startTransaction()
    expect(tx.options.usePhantomQuery).toBe(false)
    await tx.executeRaw(query('ROLLBACK'))
    await tx.rollback()
  })
})
