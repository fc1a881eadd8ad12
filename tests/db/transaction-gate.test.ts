// Statements outside a transaction never run inside it, on either database: on
// SQLite the one shared connection is gated (src/db/transaction-gate.ts), on
// PostgreSQL each transaction has a connection of its own.
import { expect, it } from 'vitest'
import { describeEachDatabase } from '../helpers/databases.ts'

const pause = (ms: number) => new Promise((r) => setTimeout(r, ms))

describeEachDatabase('statements beside an open transaction', (t) => {
  it('a read outside never sees the rows of a transaction that is then rolled back', async () => {
    const { db } = t()
    let seenMeanwhile!: Promise<number>
    const rolledBack = db.$transaction(async (tx) => {
      await tx.partner.create({ data: { name: 'uncommitted' } })
      seenMeanwhile = db.partner.count({ where: { name: 'uncommitted' } })
      await pause(30)
      throw new Error('roll back')
    })
    await expect(rolledBack).rejects.toThrow('roll back')
    expect(await seenMeanwhile).toBe(0)
  })

  it('a write outside is neither undone by the rollback nor lost waiting for it', async () => {
    const { db } = t()
    let writtenMeanwhile!: Promise<unknown>
    const rolledBack = db.$transaction(async (tx) => {
      await tx.partner.create({ data: { name: 'inside' } })
      writtenMeanwhile = db.partner.create({ data: { name: 'outside' } })
      await pause(30)
      throw new Error('roll back')
    })
    await expect(rolledBack).rejects.toThrow('roll back')
    await writtenMeanwhile
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
