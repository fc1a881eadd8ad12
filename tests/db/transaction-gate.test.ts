// Statements outside a transaction never run inside it, on either database: on
// SQLite the one shared connection is gated (src/db/hot/transaction-gate.ts), on
// PostgreSQL each transaction has a connection of its own. (On SQLite these ORM
// cases held before the gate too; the click batch's, in click-store.test.ts, did not.)
import { monitorEventLoopDelay } from 'node:perf_hooks'
import Sqlite from 'better-sqlite3'
import { describe, expect, it } from 'vitest'
import { openDatabase } from '../../src/db/client.ts'
import { Prisma } from '../../src/generated/sqlite/client.ts'
import { isDatabaseBusy } from '../../src/db/errors.ts'
import { applyMigrations } from '../../src/db/migrator.ts'
import { sqlitePath } from '../../src/db/provider.ts'
import { createScratchDatabase } from '../../src/db/scratch-database.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { besideRolledBackTransaction } from '../helpers/open-transaction.ts'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describeEachDatabase('statements beside an open transaction', (t) => {
  it('a read outside never sees the rows of a transaction that is then rolled back', async () => {
    const { db } = t()
    const seenMeanwhile = await besideRolledBackTransaction(
      db,
      (tx) => tx.partner.create({ data: { name: 'uncommitted' } }),
      () => db.partner.count({ where: { name: 'uncommitted' } }),
    )
    expect(seenMeanwhile).toBe(0)
  })

  it('a write outside is neither undone by the rollback nor lost waiting for it', async () => {
    const { db } = t()
    await besideRolledBackTransaction(
      db,
      (tx) => tx.partner.create({ data: { name: 'inside' } }),
      () => db.partner.create({ data: { name: 'outside' } }),
    )
    expect(await db.partner.count({ where: { name: 'inside' } })).toBe(0)
    expect(await db.partner.count({ where: { name: 'outside' } })).toBe(1)
  })

  it('a committed transaction and the statements that waited for it all land', async () => {
    const { db } = t()
    const waiting: Promise<unknown>[] = []
    await db.$transaction(async (tx) => {
      await tx.partner.create({ data: { name: 'tx-1' } })
      for (let i = 0; i < 5; i++) waiting.push(db.partner.create({ data: { name: `beside-${i}` } }))
      await pause(20)
      await tx.partner.create({ data: { name: 'tx-2' } })
    })
    await Promise.all(waiting)
    expect(await db.partner.count({ where: { name: { startsWith: 'tx-' } } })).toBe(2)
    expect(await db.partner.count({ where: { name: { startsWith: 'beside-' } } })).toBe(5)
  })
})

// Another process holding the SQLite file's write lock: the server's busy wait is
// short (it blocks the event loop), and the gate waits for the lock asynchronously.
describe('a write lock held by another process (SQLite, the server’s short busy wait)', () => {
  it('writes and transactions wait for it without blocking the event loop, and then go through', async () => {
    const scratch = await createScratchDatabase('sqlite')
    await applyMigrations(scratch.url)
    const database = await openDatabase(scratch.url, { busyTimeoutMs: 20 })
    const cli = new Sqlite(sqlitePath(scratch.url))
    const delay = monitorEventLoopDelay({ resolution: 5 })
    try {
      cli.exec('BEGIN IMMEDIATE')
      const released = pause(600).then(() => cli.exec('COMMIT'))
      delay.enable()
      const started = performance.now()
      const [created, inTx] = await Promise.all([
        database.prisma.partner.create({ data: { name: 'written after the lock' } }),
        database.sql.transaction(async (tx) => {
          // The transaction met the lock before its work ran: what it reads is current.
          const [row] = await tx.query<{ n: number | bigint }>(Prisma.sql`SELECT COUNT(*) AS n FROM partners`)
          return Number(row!.n)
        }),
        released,
      ])
      delay.disable()
      expect(performance.now() - started).toBeGreaterThanOrEqual(550)
      expect(created.id).toBeGreaterThan(0)
      expect(inTx).toBeGreaterThanOrEqual(0)
      expect(delay.max / 1e6).toBeLessThan(200)
    } finally {
      if (cli.inTransaction) cli.exec('ROLLBACK')
      cli.close()
      await database.close()
      await scratch.drop()
    }
  })

  it('a lock held past the wait is an error the app can tell apart (busy), not a hang', async () => {
    const scratch = await createScratchDatabase('sqlite')
    await applyMigrations(scratch.url)
    const database = await openDatabase(scratch.url, { busyTimeoutMs: 20 })
    const cli = new Sqlite(sqlitePath(scratch.url))
    try {
      cli.exec('BEGIN IMMEDIATE')
      const started = performance.now()
      const err = await database.prisma.partner.create({ data: { name: 'never' } }).catch((e: unknown) => e)
      expect(isDatabaseBusy(err)).toBe(true)
      expect(performance.now() - started).toBeLessThan(2_500)
    } finally {
      cli.exec('ROLLBACK')
      cli.close()
      await database.close()
      await scratch.drop()
    }
  })
})

it('a SQLite database without the migrations table still runs transactions (no lock taken first)', async () => {
  const scratch = await createScratchDatabase('sqlite')
  const database = await openDatabase(scratch.url, { busyTimeoutMs: 20 })
  try {
    await database.sql.execute(Prisma.sql`CREATE TABLE notes (body TEXT)`)
    await database.sql.transaction((tx) => tx.execute(Prisma.sql`INSERT INTO notes (body) VALUES ('kept')`))
    await database.sql.transaction((tx) => tx.execute(Prisma.sql`INSERT INTO notes (body) VALUES ('again')`))
    const rows = await database.sql.query<{ body: string }>(Prisma.sql`SELECT body FROM notes ORDER BY body`)
    expect(rows.map((r) => r.body)).toEqual(['again', 'kept'])
  } finally {
    await database.close()
    await scratch.drop()
  }
})
