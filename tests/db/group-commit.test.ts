import { describe, expect, it } from 'vitest'
import { TurnBatcher } from '../../src/db/group-commit.ts'

describe('turn batcher', () => {
  it('runs the items of one event-loop turn together, in order, and answers each', async () => {
    const batches: number[][] = []
    const b = new TurnBatcher<number, string>(async (items) => {
      batches.push(items)
      return items.map((i) => `#${i}`)
    })
    expect(await Promise.all([1, 2, 3].map((i) => b.submit(i)))).toEqual(['#1', '#2', '#3'])
    expect(batches).toEqual([[1, 2, 3]])
  })

  it('caps batches; items arriving during a batch wait for the next one', async () => {
    const batches: number[][] = []
    const b = new TurnBatcher<number, number>(
      async (items) => {
        batches.push(items)
        await new Promise((r) => setTimeout(r, 10))
        return items
      },
      { maxBatch: 2 },
    )
    const first = [1, 2, 3].map((i) => b.submit(i))
    await new Promise((r) => setTimeout(r, 2))
    const later = [4, 5].map((i) => b.submit(i))
    await Promise.all([...first, ...later])
    expect(batches).toEqual([[1, 2], [3, 4], [5]])
    expect(b.stats).toMatchObject({ batches: 3, items: 5, maxBatchItems: 2 })
  })

  it('an Error output fails its item only; a thrown error fails the batch', async () => {
    const b = new TurnBatcher<number, number>(async (items) => items.map((i) => (i === 2 ? new Error('two') : i)))
    const results = await Promise.allSettled([1, 2, 3].map((i) => b.submit(i)))
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    const failing = new TurnBatcher<number, number>(async () => {
      throw new Error('down')
    })
    await expect(Promise.all([failing.submit(1), failing.submit(2)])).rejects.toThrow('down')
  })

  it('flush runs what is queued and waits for it', async () => {
    let ran = 0
    const b = new TurnBatcher<number, number>(
      async (items) => {
        await new Promise((r) => setTimeout(r, 5))
        ran += items.length
        return items
      },
      { maxBatch: 3 },
    )
    const pending = Array.from({ length: 7 }, (_, i) => b.submit(i))
    await b.flush()
    expect(ran).toBe(7)
    await Promise.all(pending)
  })
})
