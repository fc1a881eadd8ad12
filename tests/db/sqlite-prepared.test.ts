// The hot statement runs prepared once on the adapter's own better-sqlite3
// connection (src/db/sqlite-prepared.ts), against a real SQLite file.
import { afterEach, beforeEach, expect, it, describe } from 'vitest'
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3'
import type { SqlDriverAdapter } from '@prisma/driver-adapter-utils'
import { preparedRunner } from '../../src/db/sqlite-prepared.ts'
import { isUniqueViolation } from '../../src/db/errors.ts'

describe('prepared hot statements [sqlite]', () => {
  let dir: string
  let adapter: SqlDriverAdapter
  let prepares: string[]

  beforeEach(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'cf-prepared-'))
    adapter = await new PrismaBetterSqlite3({ url: path.join(dir, 'db.sqlite') }).connect()
    await adapter.executeScript('CREATE TABLE t (id TEXT PRIMARY KEY)')
    // Count the preparations the connection is asked for.
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

  it('prepares each statement once and runs it again with each value, on the adapter’s connection', async () => {
    const run = preparedRunner(adapter)
    const insert = 'INSERT INTO t (id) SELECT value FROM json_each(?)'
    expect(run(insert, '["a","b"]')).toBe(2)
    expect(run(insert, '["c"]')).toBe(1)
    expect(run('DELETE FROM t WHERE id = ?', 'b')).toBe(1)
    expect(prepares).toEqual([insert, 'DELETE FROM t WHERE id = ?'])
    // The adapter reads what the runner wrote: one connection.
    const rows = await adapter.queryRaw({ sql: 'SELECT id FROM t ORDER BY id', args: [], argTypes: [] })
    expect(rows.rows).toEqual([['a'], ['c']])
  })

  it('throws the database’s refusal, recognised as a duplicate (the click batch’s retry relies on it), and writes nothing of it', async () => {
    const run = preparedRunner(adapter)
    const insert = 'INSERT INTO t (id) SELECT value FROM json_each(?)'
    run(insert, '["x"]')
    let refusal: unknown
    try {
      run(insert, '["y","x"]')
    } catch (err) {
      refusal = err
    }
    expect(isUniqueViolation(refusal)).toBe(true)
    const rows = await adapter.queryRaw({ sql: 'SELECT id FROM t ORDER BY id', args: [], argTypes: [] })
    expect(rows.rows).toEqual([['x']])
  })

  it('refuses, by name, an adapter that no longer exposes its connection', () => {
    expect(() => preparedRunner({ provider: 'sqlite' })).toThrow(/sqlite-prepared\.ts/)
  })
})
