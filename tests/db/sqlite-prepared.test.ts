// Statements prepared once per SQL text on the adapter's own better-sqlite3
// connection (src/db/hot/sqlite-prepared.ts), against a real SQLite file: for the
// app's hot statement and for every statement the adapter itself runs.
import { afterEach, beforeEach, expect, it, describe } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import type { SqlDriverAdapter, SqlQuery } from '@prisma/driver-adapter-utils'
import { keepStatementsPrepared } from '../../src/db/hot/index.ts'
import { isUniqueViolation } from '../../src/db/errors.ts'

const query = (sql: string, ...args: (string | number)[]): SqlQuery => ({
  sql,
  args,
  argTypes: args.map((a) => ({ scalarType: typeof a === 'number' ? 'int' : 'string', arity: 'scalar' }) as const),
})

describe('statements prepared once [sqlite]', () => {
  let dir: string
  let adapter: SqlDriverAdapter
  let prepares: string[]

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-prepared-'))
    adapter = await new PrismaBetterSqlite3({ url: path.join(dir, 'db.sqlite') }).connect()
    await adapter.executeScript('CREATE TABLE t (id TEXT PRIMARY KEY, n INTEGER)')
    // Count the preparations the connection itself is asked for.
    const client = (adapter as unknown as { client: { prepare(sql: string): unknown } }).client
    const prepare = client.prepare.bind(client)
    prepares = []
    client.prepare = (sql: string) => {
      prepares.push(sql)
      return prepare(sql)
    }
  })
  afterEach(async () => {
    await adapter.dispose()
    rmSync(dir, { recursive: true, force: true })
  })

  const ids = async () => (await adapter.queryRaw(query('SELECT id FROM t ORDER BY id'))).rows

  it('runs a hot statement prepared once, again with each value, on the adapter’s connection', async () => {
    const run = keepStatementsPrepared(adapter)
    const insert = 'INSERT INTO t (id) SELECT value FROM json_each(?)'
    expect(run(insert, '["a","b"]')).toBe(2)
    expect(run(insert, '["c"]')).toBe(1)
    expect(run('DELETE FROM t WHERE id = ?', 'b')).toBe(1)
    // The adapter reads what the runner wrote: one connection.
    expect(await ids()).toEqual([['a'], ['c']])
    expect(prepares.filter((sql) => sql === insert)).toHaveLength(1)
  })

  it('prepares each of the adapter’s own statements once, and each call still binds its own values', async () => {
    keepStatementsPrepared(adapter)
    const insert = 'INSERT INTO t (id, n) VALUES (?, ?)'
    const select = 'SELECT id, n FROM t WHERE n >= ? ORDER BY id'
    for (let i = 1; i <= 4; i++) expect(await adapter.executeRaw(query(insert, `k${i}`, i))).toBe(1)
    expect((await adapter.queryRaw(query(select, 3))).rows).toEqual([
      ['k3', 3],
      ['k4', 4],
    ])
    const again = await adapter.queryRaw(query(select, 2))
    expect(again.columnNames).toEqual(['id', 'n'])
    expect(again.rows).toEqual([
      ['k2', 2],
      ['k3', 3],
      ['k4', 4],
    ])
    expect(prepares.filter((sql) => sql === insert)).toHaveLength(1)
    expect(prepares.filter((sql) => sql === select)).toHaveLength(1)
  })

  it('keeps transactions working: a rolled-back write is gone, a committed one stays, on the shared BEGIN', async () => {
    keepStatementsPrepared(adapter)
    for (const [id, finish] of [
      ['rolled', 'rollback'],
      ['kept', 'commit'],
    ] as const) {
      const tx = await adapter.startTransaction()
      await tx.executeRaw(query('INSERT INTO t (id) VALUES (?)', id))
      await tx.executeRaw(query(finish === 'commit' ? 'COMMIT' : 'ROLLBACK'))
      await tx[finish]()
    }
    expect(await ids()).toEqual([['kept']])
    expect(prepares.filter((sql) => sql === 'BEGIN')).toHaveLength(1)
  })

  it('holds at most `max` statements: the least recently used is prepared again when it comes back', async () => {
    keepStatementsPrepared(adapter, 2)
    const a = 'SELECT 1 AS a'
    const b = 'SELECT 2 AS b'
    const c = 'SELECT 3 AS c'
    for (const sql of [a, b, a, c, a, b]) await adapter.queryRaw(query(sql))
    // a stays (used again before c came), b is dropped for c and prepared again.
    expect(prepares).toEqual([a, b, c, b])
  })

  it('throws the database’s refusal, recognised as a duplicate (the click batch’s retry relies on it), and writes nothing of it', async () => {
    const run = keepStatementsPrepared(adapter)
    const insert = 'INSERT INTO t (id) SELECT value FROM json_each(?)'
    run(insert, '["x"]')
    let refusal: unknown
    try {
      run(insert, '["y","x"]')
    } catch (err) {
      refusal = err
    }
    expect(isUniqueViolation(refusal)).toBe(true)
    expect(await ids()).toEqual([['x']])
  })

  it('refuses, by name, an adapter that no longer exposes its connection', () => {
    expect(() => keepStatementsPrepared({ provider: 'sqlite' })).toThrow(/sqlite-prepared\.ts/)
  })
})
