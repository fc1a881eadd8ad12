// Retention of the postback log, on both databases: lines older than the period
// are pruned in batches, except those tied to a wallet entry (the entry's
// history points to them); recent lines stay. Also through the app's own
// timer plugin, with POSTBACK_LOG_RETENTION_DAYS.
import { beforeEach, expect, it } from 'vitest'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { seedClickedLink } from '../helpers/clicked-link.ts'
import { buildTestApp } from '../helpers/app.ts'
import { loadPostbackNetwork } from '../../src/postbacks/network-cache.ts'
import { receivePostback as receiveOutcome, type PostbackContext } from '../../src/postbacks/receive-postback.ts'
import { postbackAnswer } from '../../src/http/postback-answer.ts'
import { PostbackLogPruner } from '../../src/postbacks/log-retention.ts'
import { DAY_MS } from '../../src/time.ts'
import { openPostbackLogs } from '../../src/postbacks/postback-log.ts'

/** The outcome with the HTTP answer the route gives it (status, body), as the assertions read it. */
async function receivePostback(...args: Parameters<typeof receiveOutcome>) {
  const outcome = await receiveOutcome(...args)
  return { ...outcome, ...postbackAnswer(outcome) }
}

const TOKEN = 'retention-token-0123456789'

describeEachDatabase('postback log retention', (t, provider) => {
  let subid = ''
  const ctx = (): PostbackContext => ({
    database: t().database,
    fxRates: { EUR: '1' },
    salt: 'salt-for-tests-0123456789',
    networks: (slug) => loadPostbackNetwork(t().db, slug),
  })
  const send = (q: Record<string, string>) =>
    receivePostback(ctx(), {
      method: 'GET',
      rawQuery: new URLSearchParams({ network: 'ret', token: TOKEN, subid, amount: '10', status: 'pending', ...q }).toString(),
      rawBody: null,
      bodyKind: null,
      sourceIp: '203.0.113.1',
    })
  const age = (ids: number[], days: number) =>
    t().db.postbackLog.updateMany({ where: { id: { in: ids } }, data: { receivedAt: new Date(Date.now() - days * DAY_MS) } })

  beforeEach(async () => {
    await truncateAll(t().db, provider)
    subid = await seedClickedLink(t(), { slug: 'ret', token: TOKEN, code: 'retcode1', clickId: 'RETCLICKaaaaaaaaaaaaaa' })
  })

  it('prunes old unreferenced lines in batches, keeps the lines an entry points to and the recent ones', async () => {
    const booked = await send({ txn_id: 'K1' })
    const moved = await send({ txn_id: 'K1', status: 'approved' })
    const dup = await send({ txn_id: 'K1', status: 'approved' })
    const rejected = await send({ txn_id: 'K2', status: 'nonsense' })
    const forbidden = await send({ txn_id: 'K3', token: 'not-the-token-000000' })
    const recent = await send({ txn_id: 'K4', status: 'nonsense' })
    expect([booked.body, moved.body, dup.body, rejected.status, forbidden.status, recent.status]).toEqual([
      'OK',
      'OK',
      'DUPLICATE',
      400,
      403,
      400,
    ])
    const filler = await openPostbackLogs(
      t().database,
      Array.from({ length: 450 }, (_, i) => ({
        method: 'GET',
        rawQuery: `network=unknown&i=${i}`,
        rawBody: null,
        sourceIp: '198.51.100.1',
        networkSlug: 'unknown',
        verdict: { outcome: 'rejected' as const, reason: 'unknown network "unknown"' },
      })),
    )
    await age([booked.logId!, moved.logId!, dup.logId!, rejected.logId!, forbidden.logId!, ...filler], 120)
    await age([recent.logId!], 89)

    const pruner = new PostbackLogPruner(t().database, { retentionDays: 90, batchSize: 200, pauseMs: 1 })
    const result = await pruner.prune()
    expect(result.deleted).toBe(452)
    expect(result.batches).toBeGreaterThanOrEqual(3)
    const left = await t().db.postbackLog.findMany({ orderBy: { id: 'asc' }, select: { id: true } })
    // The entry's history points to the lines that booked and moved it; the duplicate answered for it too.
    expect(left.map((l) => l.id)).toEqual([booked.logId, moved.logId, dup.logId, recent.logId])
    const history = await t().db.walletEntryHistory.findMany({ select: { postbackLogId: true } })
    for (const h of history) expect(left.map((l) => l.id)).toContain(h.postbackLogId)
    // A second pass finds nothing more to do.
    expect((await pruner.prune()).deleted).toBe(0)
  })

  it("runs from the app's timer plugin with POSTBACK_LOG_RETENTION_DAYS; 0 keeps everything", async () => {
    const old = await send({ txn_id: 'T1', status: 'nonsense' })
    const kept = await send({ txn_id: 'T2' })
    const young = await send({ txn_id: 'T3', status: 'nonsense' })
    await age([old.logId!, kept.logId!], 31)
    await age([young.logId!], 29)
    const off = await buildTestApp(t(), { POSTBACK_LOG_RETENTION_DAYS: '0' })
    expect(off.postbackLogRetention).toBeUndefined()
    await off.close()
    const app = await buildTestApp(t(), { POSTBACK_LOG_RETENTION_DAYS: '30' })
    try {
      expect(await app.postbackLogRetention!.runNow()).toMatchObject({ deleted: 1 })
      const ids = (await t().db.postbackLog.findMany({ orderBy: { id: 'asc' } })).map((l) => l.id)
      expect(ids).toEqual([kept.logId, young.logId])
    } finally {
      await app.close()
    }
  })
})
