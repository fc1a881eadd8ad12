// Log lines written many at once get the right ids back, on both databases.
import { expect, it } from 'vitest'
import { describeEachDatabase } from '../helpers/databases.ts'
import { openPostbackLogs } from '../../src/postbacks/postback-log.ts'

describeEachDatabase('postback log', (t) => {
  it('returns each line its own id, identical requests included', async () => {
    const rows = Array.from({ length: 120 }, (_, i) => ({
      method: i % 3 ? 'GET' : 'POST',
      rawQuery: `txn_id=L${i % 40}&token=***abc`,
      rawBody: i % 3 ? null : `amount=${i % 40}`,
      sourceIp: '203.0.113.1',
      networkSlug: 'n',
      ...(i % 5 === 0 ? { verdict: { outcome: 'rejected' as const, reason: `reason ${i}` } } : {}),
    }))
    const ids = await openPostbackLogs(t().database, rows)
    expect(new Set(ids).size).toBe(rows.length)
    const stored = new Map((await t().db.postbackLog.findMany({ where: { id: { in: ids } } })).map((l) => [l.id, l]))
    rows.forEach((r, i) => {
      const l = stored.get(ids[i]!)!
      expect([l.method, l.rawQuery, l.rawBody, l.networkSlug]).toEqual([r.method, r.rawQuery, r.rawBody, 'n'])
      if (r.verdict) expect([l.outcome, l.reason]).toEqual(['rejected', r.verdict.reason])
      else expect([l.outcome, l.reason, l.processedAt]).toEqual(['received', null, null])
    })
  })
})
