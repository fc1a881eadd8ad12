// The click batch's own PostgreSQL connection (src/db/hot/pg-hot-client.ts): named
// statements prepared once on it, a lost connection replaced, a statement's own
// error leaving it in place, a statement with no answer given up on, and nothing
// left open after close().
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { applyMigrations } from '../../src/db/migrator.ts'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { HOT_CLIENT_NAME, pgHotClient, type HotClient, type HotClientOptions } from '../../src/db/hot/index.ts'
import { isUniqueViolation } from '../../src/db/errors.ts'

describe.skipIf(!inject('postgresAvailable'))('the click batch connection [postgresql]', () => {
  let scratch: ScratchDatabase
  let database: Database
  const clients: HotClient[] = []
  const open = (options?: HotClientOptions) => {
    const c = pgHotClient(scratch.url, options)
    clients.push(c)
    return c
  }
  // The hot connections' backends, seen from the pool (another session).
  const backends = async () =>
    (
      await database.prisma.$queryRawUnsafe<{ pid: number }[]>(
        'SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND datname = current_database() ORDER BY pid',
        HOT_CLIENT_NAME,
      )
    ).map((r) => Number(r.pid))
  const insert = "INSERT INTO networks (slug, name, subid_param, updated_at) VALUES ($1, 'Hot test', 'subid', now())"

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    await applyMigrations(scratch.url)
    database = await openDatabase(scratch.url, { poolSize: 1 })
  })
  afterAll(async () => {
    for (const c of clients) await c.close()
    await database?.close()
    await scratch?.drop()
  })

  it('runs a statement with its one value and prepares a named one once, on its own connection', async () => {
    const hot = open()
    expect(await hot.run(insert, 'hot-a', 'hot_test_insert')).toBe(1)
    expect(await hot.run(insert, 'hot-b', 'hot_test_insert')).toBe(1)
    // rowCount of this SELECT: the statements prepared on the hot connection itself.
    expect(await hot.run('SELECT name FROM pg_prepared_statements WHERE name LIKE $1', 'hot_test%')).toBe(1)
    expect(await database.prisma.network.count({ where: { slug: { startsWith: 'hot-' } } })).toBe(2)
  })

  it('keeps its connection after a statement of its own fails, and replaces one the server ended', async () => {
    const before = await backends()
    const hot = open()
    await hot.run(insert, 'hot-c', 'hot_test_insert')
    const [pid] = (await backends()).filter((p) => !before.includes(p))
    expect(pid).toBeGreaterThan(0)

    const duplicate = await hot.run(insert, 'hot-c', 'hot_test_insert').catch((err: unknown) => err)
    expect(isUniqueViolation(duplicate)).toBe(true)
    expect(await hot.run(insert, 'hot-d', 'hot_test_insert')).toBe(1)
    expect((await backends()).filter((p) => !before.includes(p))).toEqual([pid])

    await database.prisma.$queryRawUnsafe('SELECT pg_terminate_backend($1::int)', pid)
    // The first statement after may still meet the dead socket; the one after runs on a new connection.
    await hot.run(insert, 'hot-e', 'hot_test_insert').catch(() => {})
    await hot.run(insert, 'hot-f', 'hot_test_insert')
    const after = (await backends()).filter((p) => !before.includes(p))
    expect(after).toHaveLength(1)
    expect(after[0]).not.toBe(pid)
    expect(await database.prisma.network.count({ where: { slug: 'hot-f' } })).toBe(1)
  })

  it('gives up on a statement that gets no answer in time, and goes on on a new connection', async () => {
    const before = await backends()
    const hot = open({ queryTimeoutMs: 300 })
    await hot.run(insert, 'hot-t1', 'hot_test_insert')
    const [pid] = (await backends()).filter((p) => !before.includes(p))
    // Thirty seconds of silence: only the timeout ends this before the test's own.
    const stuck = await hot.run('SELECT pg_sleep(30), $1::text', 'x').catch((err: unknown) => err)
    expect(stuck).toBeInstanceOf(Error)
    expect((stuck as Error).message).toMatch(/timeout/i)
    expect(await hot.run(insert, 'hot-t2', 'hot_test_insert')).toBe(1)
    const now = (await backends()).filter((p) => !before.includes(p) && p !== pid)
    expect(now).toHaveLength(1)
    expect(await database.prisma.network.count({ where: { slug: { in: ['hot-t1', 'hot-t2'] } } })).toBe(2)
    // The abandoned backend is still asleep: end it rather than leave it to the scratch database.
    await database.prisma.$queryRawUnsafe('SELECT pg_terminate_backend($1::int)', pid)
    await hot.close()
  })

  it('closes its connection, and refuses statements after', async () => {
    const before = await backends()
    const hot = open()
    await hot.run(insert, 'hot-g', 'hot_test_insert')
    expect((await backends()).length).toBe(before.length + 1)
    await hot.close()
    await expect.poll(backends).toEqual(before)
    await expect(hot.run(insert, 'hot-h', 'hot_test_insert')).rejects.toThrow('closed')
  })
})
