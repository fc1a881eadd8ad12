import { describe, expect, it } from 'vitest'
import { LinkCache, type LiveLink } from '../../src/tracking/link-cache.ts'

const link = (code: string, n = 1): LiveLink => ({
  code,
  assignmentId: n,
  partnerId: 1,
  offerId: 1,
  networkId: 1,
  template: { before: `https://a.example/?v=${n}&subid=1%3A1%3A`, after: '' },
})

function harness(options: { ttlMs?: number; maxStaleMs?: number; maxEntries?: number } = {}) {
  let now = 0
  const loads: string[] = []
  let version = 1
  let fail = false
  const db = new Map<string, number>([
    ['aaaa1', 1],
    ['bbbb2', 2],
  ])
  const cache = new LinkCache(
    async (code) => {
      loads.push(code)
      await new Promise((r) => setTimeout(r, 1))
      if (fail) throw new Error('database down')
      return db.has(code) ? link(code, version) : null
    },
    { now: () => now, ...options },
  )
  return {
    cache,
    loads,
    tick: (ms: number) => (now += ms),
    setVersion: (v: number) => (version = v),
    setFail: (f: boolean) => (fail = f),
  }
}

describe('link cache', () => {
  it('loads a code once, then serves it from memory', async () => {
    const h = harness()
    expect((await h.cache.resolve('aaaa1'))?.assignmentId).toBe(1)
    for (let i = 0; i < 100; i++) await h.cache.resolve('aaaa1')
    expect(h.loads).toEqual(['aaaa1'])
  })

  it('concurrent misses share one load', async () => {
    const h = harness()
    await Promise.all(Array.from({ length: 50 }, () => h.cache.resolve('aaaa1')))
    expect(h.loads).toEqual(['aaaa1'])
  })

  it('remembers unknown codes briefly', async () => {
    const h = harness()
    expect(await h.cache.resolve('zzzz9')).toBeNull()
    expect(await h.cache.resolve('zzzz9')).toBeNull()
    expect(h.loads).toEqual(['zzzz9'])
    h.tick(6_000)
    await h.cache.resolve('zzzz9')
    expect(h.loads).toEqual(['zzzz9', 'zzzz9'])
  })

  it('serves an expired entry while refreshing it in the background', async () => {
    const h = harness({ ttlMs: 1000 })
    await h.cache.resolve('aaaa1')
    h.setVersion(2)
    h.tick(1500)
    expect((await h.cache.resolve('aaaa1'))?.template.before).toContain('v=1')
    await new Promise((r) => setTimeout(r, 10))
    expect((await h.cache.resolve('aaaa1'))?.template.before).toContain('v=2')
  })

  it('keeps serving a live link while the database is down, up to the stale limit', async () => {
    const h = harness({ ttlMs: 1000, maxStaleMs: 10_000 })
    await h.cache.resolve('aaaa1')
    h.setFail(true)
    h.tick(5000)
    expect(await h.cache.resolve('aaaa1')).not.toBeNull()
    await new Promise((r) => setTimeout(r, 10))
    h.tick(6000)
    await expect(h.cache.resolve('aaaa1')).rejects.toThrow('database down')
  })

  it('invalidation drops entries at once, including a load in flight', async () => {
    const h = harness()
    await h.cache.resolve('aaaa1')
    h.setVersion(2)
    h.cache.invalidate('aaaa1')
    expect((await h.cache.resolve('aaaa1'))?.template.before).toContain('v=2')
    h.setVersion(3)
    const inFlight = h.cache.resolve('bbbb2')
    h.cache.invalidateAll()
    await inFlight
    h.setVersion(4)
    expect((await h.cache.resolve('bbbb2'))?.template.before).toContain('v=4')
  })

  it('stays bounded', async () => {
    const h = harness({ maxEntries: 10 })
    for (let i = 0; i < 50; i++) await h.cache.resolve(`code${i}`)
    expect(h.cache.size).toBe(10)
  })
})
