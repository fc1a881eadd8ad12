// The postback endpoint's network cache on real databases: what a network's
// postbacks see of its token, and how many reads a burst of them costs.
import { beforeEach, expect, it } from 'vitest'
import { NetworkCache } from '../../src/postbacks/network-cache.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

describeEachDatabase('NetworkCache', (t, provider) => {
  let now = 0
  const cache = () => new NetworkCache(t().db, { ttlMs: 10_000, now: () => now })

  beforeEach(async () => {
    await truncateAll(t().db, provider)
    await t().db.network.create({ data: { slug: 'awin', name: 'Awin', postbackToken: 'tok-0123456789abcdef' } })
    now = 0
  })

  it('a burst of postbacks that miss together reads the network once, and each gets it', async () => {
    const c = cache()
    const burst = await Promise.all(Array.from({ length: 50 }, () => c.get('awin')))
    expect(burst.every((n) => n?.token === 'tok-0123456789abcdef')).toBe(true)
    expect(c.loads).toBe(1)
    // When the entry expires, the next burst shares one read again.
    now += 10_001
    await Promise.all(Array.from({ length: 50 }, () => c.get('awin')))
    expect(c.loads).toBe(2)
  })

  it('a change made while a read is under way is seen by the postbacks that come after the invalidation', async () => {
    const c = cache()
    const before = c.get('awin')
    await t().db.network.update({ where: { slug: 'awin' }, data: { postbackToken: 'tok-rotated-0123456789' } })
    c.invalidateAll()
    const after = await c.get('awin')
    expect(after?.token).toBe('tok-rotated-0123456789')
    expect(c.loads).toBe(2)
    await before
    // The read that predates the change is not kept.
    expect((await c.get('awin'))?.token).toBe('tok-rotated-0123456789')
  })

  it('an unknown network is remembered as unknown, briefly', async () => {
    const c = cache()
    expect(await c.get('nope')).toBeNull()
    expect(await c.get('nope')).toBeNull()
    expect(c.loads).toBe(1)
    now += 2_001
    await t().db.network.create({ data: { slug: 'nope', name: 'Nope', postbackToken: 'tok-nope-0123456789ab' } })
    expect((await c.get('nope'))?.slug).toBe('nope')
  })
})
