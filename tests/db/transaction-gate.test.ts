// Statements outside a transaction never run inside it, on either database: on
// SQLite the one shared connection is gated (src/db/transaction-gate.ts), on
// PostgreSQL each transaction has a connection of its own. (On SQLite these ORM
// cases held before the gate too; the click batch's, in click-store.test.ts, did not.)
import { expect, it } from 'vitest'
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
