// The database's refusals are recognised the same way on both databases and
// through both Prisma paths (ORM queries and raw statements).
import { expect, it } from 'vitest'
import { describeEachDatabase } from '../helpers/databases.ts'
import { insertClickEvents } from '../../src/db/hot/index.ts'
import { isUniqueViolation } from '../../src/db/errors.ts'

describeEachDatabase('database errors', (t) => {
  it('a unique violation is recognised from an ORM query and from a raw statement', async () => {
    const { db } = t()
    await db.network.create({ data: { slug: 'uniq', name: 'U' } })
    const orm = await db.network.create({ data: { slug: 'uniq', name: 'U' } }).catch((e: unknown) => e)
    expect(isUniqueViolation(orm)).toBe(true)
    const row = {
      kind: 'click' as const,
      ts: new Date(),
      partnerId: null,
      assignmentId: null,
      offerId: null,
      clickId: 'UNIQUECLICKaaaaaaaaaaa',
      visitorHash: null,
      userAgent: null,
      referer: null,
      isUnique: true,
    }
    await insertClickEvents(t().database, [row])
    const raw = await insertClickEvents(t().database, [row]).catch((e: unknown) => e)
    expect(isUniqueViolation(raw)).toBe(true)
    expect(isUniqueViolation(new Error('something else'))).toBe(false)
  })
})
