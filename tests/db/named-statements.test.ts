// The click batch is a named (prepared once per connection) statement on
// PostgreSQL, run on its own connection; every other query stays unnamed.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { HOT_CLIENT_NAME, insertClickEvents, namedStatement, statementName } from '../../src/db/hot/index.ts'
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

  it("runs the click batch on a connection of its own, leaving the pool's unprepared", async () => {
    const row = (clickId: string) => ({
      kind: 'click' as const,
      ts: new Date('2026-07-01T10:00:00Z'),
      partnerId: null,
      assignmentId: null,
      offerId: null,
      clickId,
      visitorHash: null,
      userAgent: null,
      referer: null,
      isUnique: true,
    })
    await insertClickEvents(database, [row('named-1')])
    await insertClickEvents(database, [row('named-2'), row('named-3')])
    // One connection in the pool: the client's own queries prepared nothing on it.
    const prepared = await database.prisma.$queryRawUnsafe<{ name: string }[]>('SELECT name FROM pg_prepared_statements ORDER BY name')
    expect(prepared.map((p) => p.name)).toEqual([])
    // The batches ran on the click connection (pg-hot-client.ts), its last statement the batch.
    const hot = await database.prisma.$queryRawUnsafe<{ query: string }[]>(
      'SELECT query FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database()',
      HOT_CLIENT_NAME,
    )
    expect(hot).toHaveLength(1)
    expect(hot[0]!.query).toMatch(
      /^WITH b AS \(SELECT .* FROM jsonb_array_elements\(\$1::jsonb\) AS r\),\s+visits AS \(INSERT INTO click_visitors/,
    )
    expect(await database.prisma.metricEvent.count()).toBe(3)
  })
})
