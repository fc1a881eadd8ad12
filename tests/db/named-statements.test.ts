// The click batch is a named (prepared once per connection) statement on
// PostgreSQL; every other query stays unnamed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { namedStatement, statementName } from '../../src/db/named-statements.ts'
import { insertClickEvents } from '../../src/db/click-store.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { applyMigrations } from '../../src/db/migrator.ts'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'

const query = (sql: string) => ({ sql, args: [], argTypes: [] })

describe('named statements', () => {
  it('names only the statements registered, and refuses one name for two statements', () => {
    const sql = namedStatement('test_named_a', 'SELECT 1 AS a')
    expect(sql).toBe('SELECT 1 AS a')
    expect(statementName(query('SELECT 1 AS a'))).toBe('test_named_a')
    expect(statementName(query('SELECT 2 AS b'))).toBe('')
    expect(() => namedStatement('test_named_a', 'SELECT 3 AS c')).toThrow('already given')
    expect(namedStatement('test_named_a', 'SELECT 1 AS a')).toBe('SELECT 1 AS a')
  })
})

describe.skipIf(!inject('postgresAvailable'))('named statements [postgresql]', () => {
  let scratch: ScratchDatabase
  let database: Database
  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    await applyMigrations(scratch.url)
    database = await openDatabase(scratch.url, { poolSize: 1 })
  })
  afterAll(async () => {
    await database?.close()
    await scratch?.drop()
  })

  it('prepares the click batch once on its connection and runs it again from there', async () => {
    const row = (clickId: string) => ({ kind: 'click' as const, ts: new Date('2026-07-01T10:00:00Z'), partnerId: null, assignmentId: null, offerId: null, clickId, visitorHash: null, userAgent: null, referer: null, isUnique: true })
    await insertClickEvents(database, [row('named-1')])
    await insertClickEvents(database, [row('named-2'), row('named-3')])
    // One connection in the pool: the statements it has prepared are the ones we named.
    const prepared = await database.prisma.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM pg_prepared_statements ORDER BY name')
    expect(prepared.map((p) => p.name)).toEqual(['contentflow_click_batch'])
    expect(await database.prisma.metricEvent.count()).toBe(3)
  })
})
