// The postback batch's statements on the driver adapter (src/db/hot/direct-sql.ts),
// on both databases: values in and rows out as through the client, a transaction
// that commits or leaves nothing, the client's own statements kept out of it, and
// the database's refusals recognised as through the client.
import { expect, it } from 'vitest'
import { describeEachDatabase } from '../helpers/databases.ts'
import { Prisma } from '../../src/generated/sqlite/client.ts'
import { isUniqueViolation } from '../../src/db/errors.ts'
import { TransactionTimeout } from '../../src/db/hot/index.ts'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describeEachDatabase('direct statements on the adapter', (t) => {
  it('binds text, integers, fractions, dates and nulls, and gives rows by column name', async () => {
    const { database, db } = t()
    const at = new Date('2026-12-03T10:11:12.345Z')
    const [partner] = await database.sql.query<{ id: number; name: string }>(Prisma.sql`
      INSERT INTO partners (name, email, created_at) VALUES (${'Zoé « 1 »'}, ${null}, ${at}) RETURNING id, name`)
    expect(partner!.name).toBe('Zoé « 1 »')
    // What the client reads back is what was written: the date as the client stores it, the null as null.
    expect(await db.partner.findUniqueOrThrow({ where: { id: Number(partner!.id) } })).toMatchObject({
      name: 'Zoé « 1 »',
      email: null,
      createdAt: at,
    })
    const [row] = await database.sql.query<{ n: number; x: number }>(
      Prisma.sql`SELECT CAST(${41} AS INTEGER) + 1 AS n, CAST(${0.5} AS REAL) * 4 AS x`,
    )
    expect([Number(row!.n), Number(row!.x)]).toEqual([42, 2])
    expect(await database.sql.execute(Prisma.sql`UPDATE partners SET email = ${'z@example.org'} WHERE id = ${Number(partner!.id)}`)).toBe(1)
    expect(await database.sql.execute(Prisma.sql`UPDATE partners SET email = ${'none'} WHERE id = ${-1}`)).toBe(0)
  })

  it('a transaction commits what its work wrote, and a throw leaves nothing', async () => {
    const { database, db } = t()
    const result = await database.sql.transaction(async (tx) => {
      await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'kept-1'}, ${new Date()})`)
      await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'kept-2'}, ${new Date()})`)
      return 'done'
    })
    expect(result).toBe('done')
    const failed = await database.sql
      .transaction(async (tx) => {
        await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'undone'}, ${new Date()})`)
        throw new Error('the work failed')
      })
      .catch((e: unknown) => e)
    expect((failed as Error).message).toBe('the work failed')
    expect(await db.partner.count({ where: { name: { startsWith: 'kept-' } } })).toBe(2)
    expect(await db.partner.count({ where: { name: 'undone' } })).toBe(0)
    // The connection is usable again after both.
    expect(await database.sql.execute(Prisma.sql`UPDATE partners SET email = ${'x'} WHERE name = ${'kept-1'}`)).toBe(1)
  })

  it("the client's statements meanwhile neither see the open transaction's rows nor are undone with it", async () => {
    const { database, db } = t()
    let seen = -1
    let outside: Promise<unknown> = Promise.resolve()
    await database.sql
      .transaction(async (tx) => {
        await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'in-tx'}, ${new Date()})`)
        outside = Promise.all([
          db.partner.count({ where: { name: 'in-tx' } }).then((n) => (seen = n)),
          db.partner.create({ data: { name: 'beside' } }),
        ])
        await pause(20)
        throw new Error('roll back')
      })
      .catch(() => {})
    await outside
    expect(seen).toBe(0)
    expect(await db.partner.count({ where: { name: 'in-tx' } })).toBe(0)
    expect(await db.partner.count({ where: { name: 'beside' } })).toBe(1)
  })

  it('a unique violation inside a transaction is recognised and rolls the whole transaction back', async () => {
    const { database, db } = t()
    await db.network.create({ data: { slug: 'direct-uniq', name: 'U' } })
    const err = await database.sql
      .transaction(async (tx) => {
        await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'before-dup'}, ${new Date()})`)
        await tx.execute(
          Prisma.sql`INSERT INTO networks (slug, name, created_at, updated_at) VALUES (${'direct-uniq'}, ${'U'}, ${new Date()}, ${new Date()})`,
        )
      })
      .catch((e: unknown) => e)
    expect(isUniqueViolation(err)).toBe(true)
    expect(await db.partner.count({ where: { name: 'before-dup' } })).toBe(0)
  })

  it('work that outlasts the timeout is refused at once and rolled back, and the connection is freed', async () => {
    const { database, db } = t()
    const started = Date.now()
    const err = await database.sql
      .transaction(
        async (tx) => {
          await tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'too-slow'}, ${new Date()})`)
          await pause(300)
          return 'late'
        },
        { timeoutMs: 50 },
      )
      .catch((e: unknown) => e)
    expect(err).toBeInstanceOf(TransactionTimeout)
    expect(Date.now() - started).toBeLessThan(250)
    // The work finishes later, but what it wrote is never committed; the next transaction runs.
    await pause(400)
    await database.sql.transaction(async (tx) =>
      tx.execute(Prisma.sql`INSERT INTO partners (name, created_at) VALUES (${'next'}, ${new Date()})`),
    )
    expect(await db.partner.count({ where: { name: 'too-slow' } })).toBe(0)
    expect(await db.partner.count({ where: { name: 'next' } })).toBe(1)
  })
})
