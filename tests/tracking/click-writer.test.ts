// The group commit, against a fake store: batching per event-loop turn, the cap,
// acknowledgement only after commit, one retry, the lost count, the ack timeout,
// a stalled database (nobody waits, bounded queue), the flush on close, and the
// busy-poll under load.
import { performance } from 'node:perf_hooks'
import { describe, expect, it } from 'vitest'
import type { ClickEventRow } from '../../src/db/hot/index.ts'
import { ClickWriter } from '../../src/tracking/click-writer.ts'

const row = (i: number): ClickEventRow => ({
  kind: 'click',
  ts: new Date(0),
  partnerId: 1,
  assignmentId: 1,
  offerId: 1,
  clickId: `c${i}`,
  visitorHash: null,
  userAgent: null,
  referer: null,
  isUnique: true,
})

function store(options: { delayMs?: number; failures?: number; error?: unknown } = {}) {
  const batches: ClickEventRow[][] = []
  let failures = options.failures ?? 0
  return {
    batches,
    write: async (rows: ClickEventRow[]) => {
      await new Promise((r) => setTimeout(r, options.delayMs ?? 1))
      if (failures > 0) {
        failures--
        throw (options.error as Error | undefined) ?? new Error('write failed')
      }
      batches.push([...rows])
    },
  }
}

const silent = { warn: () => {}, error: () => {} }

describe('click group commit', () => {
  it('clicks of one event-loop turn share one batch, and each is acknowledged after its commit', async () => {
    const s = store()
    const w = new ClickWriter(s.write)
    const acks = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        w.record(row(i)).then((ok) => ({ ok, committedBefore: s.batches.flat().some((r) => r.clickId === `c${i}`) })),
      ),
    )
    expect(acks.every((a) => a.ok && a.committedBefore)).toBe(true)
    expect(s.batches).toHaveLength(1)
    expect(s.batches[0]).toHaveLength(50)
  })

  it('caps a batch; the rest follow in the next batches', async () => {
    const s = store()
    const w = new ClickWriter(s.write, { maxBatch: 40 })
    await Promise.all(Array.from({ length: 100 }, (_, i) => w.record(row(i))))
    expect(s.batches.map((b) => b.length)).toEqual([40, 40, 20])
    expect(w.stats).toMatchObject({ batches: 3, rows: 100, maxBatchRows: 40, lostRows: 0 })
  })

  it('clicks arriving while a batch is written wait for the next one (batches grow with load)', async () => {
    const s = store({ delayMs: 20 })
    const w = new ClickWriter(s.write)
    const first = w.record(row(0))
    await new Promise((r) => setTimeout(r, 5))
    const more = Array.from({ length: 30 }, (_, i) => w.record(row(i + 1)))
    await Promise.all([first, ...more])
    expect(s.batches.map((b) => b.length)).toEqual([1, 30])
  })

  it('the waiting clicks go to the database as soon as a batch commits, before its clicks are answered', async () => {
    const events: string[] = []
    const w = new ClickWriter(async (rows) => {
      events.push(`write ${rows.map((r) => r.clickId).join(',')}`)
      await new Promise((r) => setTimeout(r, 10))
    })
    const first = w.record(row(0)).then(() => events.push('answered c0'))
    await new Promise((r) => setTimeout(r, 3))
    const second = w.record(row(1)).then(() => events.push('answered c1'))
    await Promise.all([first, second])
    expect(events).toEqual(['write c0', 'write c1', 'answered c0', 'answered c1'])
  })

  it('retries a failed batch once', async () => {
    const s = store({ failures: 1 })
    const w = new ClickWriter(s.write, { logger: silent })
    expect(await Promise.all([w.record(row(1)), w.record(row(2))])).toEqual([true, true])
    expect(s.batches).toEqual([[row(1), row(2)]])
    expect(w.stats).toMatchObject({ failedAttempts: 1, lostRows: 0 })
  })

  it('after a second failure: logs the lost count and releases the requests', async () => {
    const s = store({ failures: 2 })
    const logged: object[] = []
    const w = new ClickWriter(s.write, { logger: { warn: () => {}, error: (o) => logged.push(o) } })
    expect(await Promise.all([w.record(row(1)), w.record(row(2)), w.record(row(3))])).toEqual([false, false, false])
    expect(w.stats).toMatchObject({ failedAttempts: 2, lostRows: 3, batches: 0 })
    expect(logged).toEqual([expect.objectContaining({ lost: 3 })])
  })

  it('a duplicate click id on the retry means the first attempt committed', async () => {
    const s = store({ failures: 2, error: Object.assign(new Error('unique'), { code: 'P2002' }) })
    const w = new ClickWriter(s.write, { logger: silent })
    expect(await w.record(row(1))).toBe(true)
    expect(w.stats.lostRows).toBe(0)
  })

  it('a hanging database does not hang the redirect: the request goes after ackTimeoutMs', async () => {
    const s = store({ delayMs: 200 })
    const w = new ClickWriter(s.write, { ackTimeoutMs: 20, logger: silent })
    const started = performance.now()
    expect(await w.record(row(1))).toBe(false)
    expect(performance.now() - started).toBeLessThan(150)
    await w.flush()
    expect(s.batches.flat()).toHaveLength(1)
  })

  /** A database that does not answer until `answer()` is called. */
  function hangingStore() {
    const batches: ClickEventRow[][] = []
    let answer = () => {}
    const answered = new Promise<void>((r) => (answer = r))
    let first = true
    return {
      batches,
      answer: () => answer(),
      write: async (rows: ClickEventRow[]) => {
        if (first) {
          first = false
          await answered
        }
        batches.push([...rows])
      },
    }
  }
  const turn = () => new Promise((r) => setImmediate(r))
  /** The value, or 'still waiting' if it takes a second (the hung batch never answers by itself). */
  const within1s = <T>(p: Promise<T>) => Promise.race([p, new Promise<'still waiting'>((r) => setTimeout(() => r('still waiting'), 1_000))])

  it('a stalled database holds no request: those queued behind its batch go too, later ones at once, and every row is written once it answers', async () => {
    const s = hangingStore()
    const w = new ClickWriter(s.write, { ackTimeoutMs: 30, logger: silent })
    const first = w.record(row(1))
    await turn()
    const behind = w.record(row(2))
    expect(await within1s(first)).toBe(false)
    expect(await within1s(behind)).toBe(false)
    expect(await within1s(w.record(row(3)))).toBe(false)
    expect(w.stats.ackTimeouts).toBe(3)
    s.answer()
    await w.flush()
    expect(
      s.batches
        .flat()
        .map((r) => r.clickId)
        .sort(),
    ).toEqual(['c1', 'c2', 'c3'])
    expect(w.stats.lostRows).toBe(0)
    // The stall is over: a click waits for its commit again.
    const next = w.record(row(4))
    expect(await next).toBe(true)
  })

  it('while the database is stalled the queue is bounded: beyond maxQueued a click is counted lost, logged once, and still answered', async () => {
    const s = hangingStore()
    const errors: string[] = []
    const lost: number[] = []
    const w = new ClickWriter(s.write, {
      ackTimeoutMs: 30,
      maxQueued: 3,
      logger: { warn: () => {}, error: (_o, msg) => errors.push(msg) },
      observer: { committed: () => {}, failedAttempt: () => {}, lost: (n) => lost.push(n) },
    })
    const first = w.record(row(1))
    await turn()
    expect(await within1s(first)).toBe(false)
    const answers = await Promise.all([2, 3, 4, 5, 6].map((i) => within1s(w.record(row(i)))))
    expect(answers).toEqual([false, false, false, false, false])
    expect(w.stats.lostRows).toBe(2)
    expect(lost).toEqual([1, 1])
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatch(/queue full/)
    s.answer()
    await w.flush()
    expect(
      s.batches
        .flat()
        .map((r) => r.clickId)
        .sort(),
    ).toEqual(['c1', 'c2', 'c3', 'c4'])
  })

  it('flush writes everything queued and waits for it (server stop)', async () => {
    const s = store({ delayMs: 5 })
    const w = new ClickWriter(s.write, { maxBatch: 10 })
    const pending = Array.from({ length: 35 }, (_, i) => w.record(row(i)))
    await w.flush()
    expect(s.batches.flat()).toHaveLength(35)
    expect(await Promise.all(pending)).toEqual(Array(35).fill(true))
  })

  it('tells an observer about every batch', async () => {
    const s = store()
    const seen: number[] = []
    const w = new ClickWriter(s.write, {
      observer: { committed: (rows) => seen.push(rows.length), failedAttempt: () => {}, lost: () => {} },
    })
    await Promise.all(Array.from({ length: 7 }, (_, i) => w.record(row(i))))
    expect(seen).toEqual([7])
  })

  describe('busy-poll while a batch is written', () => {
    // The share of the time this thread's event loop spent working, not asleep
    // waiting for I/O: what the operator sees as the process's CPU.
    async function loopBusyDuring(work: Promise<unknown>): Promise<number> {
      const before = performance.eventLoopUtilization()
      await work
      return performance.eventLoopUtilization(before).utilization
    }
    const clicks = (w: ClickWriter, n: number) => Promise.all(Array.from({ length: n }, (_, i) => w.record(row(i))))

    it('under load (a batch of busyPollMinRows clicks or more) the loop keeps turning until the commit', async () => {
      const s = store({ delayMs: 60 })
      const w = new ClickWriter(s.write, { busyPollMinRows: 8 })
      expect(await loopBusyDuring(clicks(w, 10))).toBeGreaterThan(0.8)
      expect(s.batches.flat()).toHaveLength(10)
    })

    it('a quiet server (smaller batches, or no threshold set) sleeps while the database works', async () => {
      const s = store({ delayMs: 60 })
      expect(await loopBusyDuring(clicks(new ClickWriter(s.write, { busyPollMinRows: 8 }), 7))).toBeLessThan(0.3)
      expect(await loopBusyDuring(clicks(new ClickWriter(s.write), 50))).toBeLessThan(0.3)
      expect(s.batches.map((b) => b.length)).toEqual([7, 50])
    })

    it('a hanging database costs busyPollMaxMs of polling, then the loop sleeps until the answer', async () => {
      const s = store({ delayMs: 300 })
      const w = new ClickWriter(s.write, { busyPollMinRows: 1, busyPollMaxMs: 30, ackTimeoutMs: 5_000 })
      expect(await loopBusyDuring(clicks(w, 3))).toBeLessThan(0.4)
      expect(s.batches.flat()).toHaveLength(3)
    })
  })

  it('a busy database (another process holds the write lock): requests go at once, the batch is retried with a growing pause until it commits', async () => {
    const busy = Object.assign(new Error('SQLITE_BUSY: database is locked'), { code: 'SQLITE_BUSY' })
    const s = store({ failures: 6, error: busy })
    const attemptsAt: number[] = []
    const write = async (rows: ClickEventRow[]) => {
      attemptsAt.push(performance.now())
      await s.write(rows)
    }
    const w = new ClickWriter(write, { logger: silent, ackTimeoutMs: 5_000, retryDelayMs: 10, maxRetryDelayMs: 80 })
    const started = performance.now()
    const answers = await Promise.all([w.record(row(1)), w.record(row(2))])
    // Released on the first busy answer, long before the ack timeout, as not (yet) committed.
    expect(answers).toEqual([false, false])
    expect(performance.now() - started).toBeLessThan(1_000)
    // A click meanwhile is answered at once and queued behind the batch.
    expect(await w.record(row(3))).toBe(false)
    await w.flush()
    expect(
      s.batches
        .flat()
        .map((r) => r.clickId)
        .sort(),
    ).toEqual(['c1', 'c2', 'c3'])
    expect(w.stats.lostRows).toBe(0)
    expect(w.stats.failedAttempts).toBe(6)
    // The pauses grow and stop growing at maxRetryDelayMs.
    const pauses = attemptsAt.slice(1).map((t, i) => t - attemptsAt[i]!)
    expect(pauses[1]!).toBeGreaterThan(pauses[0]! * 1.3)
    expect(Math.max(...pauses)).toBeLessThan(80 + 60)
  })

  it('a database that stays busy past transientRetryMs: the batch counts as lost, and says so', async () => {
    const busy = new Error('SQLITE_BUSY: database is locked')
    const errors: string[] = []
    const s = store({ failures: 1_000, error: busy })
    const w = new ClickWriter(s.write, {
      logger: { warn: () => {}, error: (_o, m) => errors.push(m) },
      retryDelayMs: 5,
      maxRetryDelayMs: 10,
      transientRetryMs: 100,
    })
    expect(await w.record(row(1))).toBe(false)
    await w.flush()
    expect(w.stats.lostRows).toBe(1)
    expect(errors).toEqual(['click batch lost after retry'])
  })
})
