// Retention of raw click events on both databases: only events of the days before
// the cutoff go, in batches of the size asked, both kinds; clicks recorded during
// a pass are written and counted; and the reports over the pruned days read the
// same before and after, since the rollups that count them stay.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { ClickEventPruner, clickRetentionCutoff } from '../../src/tracking/click-retention.ts'
import { loadConfig } from '../../src/config.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const DAY = 24 * 60 * 60 * 1000
const NOW = new Date('2027-03-15T09:30:00Z')
const RETENTION = 30
// 2027-02-13T00:00Z: the first instant kept.
const CUTOFF = new Date(Date.UTC(2027, 1, 13))

describeEachDatabase('click retention', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t(), { CLICK_RETENTION_DAYS: String(RETENTION) })
  })
  afterAll(async () => {
    await app.close()
  })

  it('deletes only the events before the cutoff, a small batch at a time; the reports over those days do not change', async () => {
    const { db, database } = t()
    expect(clickRetentionCutoff(NOW, RETENTION)).toEqual(CUTOFF)
    const network = await db.network.create({ data: { slug: `ret-${t().provider}`, name: 'Ret' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'O', url: 'https://a.example/' } })
    const partner = await db.partner.create({ data: { name: 'Rétention' } })
    const link = await db.assignment.create({
      data: { partnerId: partner.id, offerId: offer.id, code: `ret${t().provider}`, status: 'posted' },
    })
    let n = 0
    const event = (ts: number, kind: 'click' | 'bot' = 'click'): ClickEventRow => ({
      kind,
      ts: new Date(ts),
      partnerId: partner.id,
      assignmentId: link.id,
      offerId: offer.id,
      clickId: `ret${t().provider}${++n}`,
      visitorHash: null,
      userAgent: null,
      referer: null,
      isUnique: n % 3 !== 0,
    })
    // 40 days before the cutoff up to its last millisecond, and from the cutoff on.
    const old = [
      ...Array.from({ length: 45 }, (_, i) => event(CUTOFF.getTime() - 40 * DAY + i * 20 * 3600_000)),
      event(CUTOFF.getTime() - 1),
      ...Array.from({ length: 8 }, (_, i) => event(CUTOFF.getTime() - 3 * DAY + i * 1000, 'bot')),
    ]
    const kept = [
      event(CUTOFF.getTime()),
      ...Array.from({ length: 12 }, (_, i) => event(CUTOFF.getTime() + i * DAY + 5, i % 4 === 0 ? 'bot' : 'click')),
    ]
    await insertClickEvents(database, old)
    await insertClickEvents(database, kept)

    const url = `/admin/api/reports?groupBy=day&from=2027-01-01&to=2027-03-10`
    const before = (await app.inject({ method: 'GET', url, headers: adminHeaders })).json<{
      totals: { clicks: number; botClicks: number }
    }>()
    expect(before.totals.clicks + before.totals.botClicks).toBe(old.length + kept.length)

    // A batch of 7 at a time, with clicks arriving between batches.
    const pruner = new ClickEventPruner(database, { retentionDays: RETENTION, batchSize: 7, pauseMs: 2 })
    const pass = pruner.prune(NOW)
    const during = Array.from({ length: 5 }, () => event(NOW.getTime()))
    for (const e of during) await insertClickEvents(database, [e])
    const result = await pass

    expect(result.deleted).toBe(old.length)
    expect(result.batches).toBe(Math.ceil(46 / 7) + Math.ceil(8 / 7))
    const left = await db.metricEvent.findMany({ where: { assignmentId: link.id }, orderBy: { ts: 'asc' } })
    expect(left.map((e) => e.clickId).sort()).toEqual([...kept, ...during].map((e) => e.clickId).sort())
    expect(left[0]!.ts).toEqual(CUTOFF)

    const after = (await app.inject({ method: 'GET', url, headers: adminHeaders })).json()
    expect(after).toEqual(before)
    // A second pass finds nothing.
    expect((await pruner.prune(NOW)).deleted).toBe(0)
  })

  it('runs in the app from its background job (CLICK_RETENTION_DAYS), and is off at 0', async () => {
    const { db, database } = t()
    await insertClickEvents(database, [
      {
        kind: 'click',
        ts: new Date(CUTOFF.getTime() - DAY),
        partnerId: null,
        assignmentId: null,
        offerId: null,
        clickId: `job${t().provider}`,
        visitorHash: null,
        userAgent: null,
        referer: null,
        isUnique: true,
      },
    ])
    const result = await app.clickRetention!.runNow(NOW)
    expect(result?.deleted).toBe(1)
    expect(await db.metricEvent.count({ where: { clickId: `job${t().provider}` } })).toBe(0)
    const off = await buildTestApp(t(), { CLICK_RETENTION_DAYS: '0' })
    expect(off.clickRetention).toBeUndefined()
    await off.close()
  })

  it('refuses a retention shorter than the dashboard reads raw events for', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'test', ADMIN_SECRET: 'x'.repeat(32), DATABASE_URL: 'file:/tmp/x.db', CLICK_RETENTION_DAYS: '7' }),
    ).toThrow(/at least 30/)
    expect(loadConfig({ NODE_ENV: 'test', ADMIN_SECRET: 'x'.repeat(32), DATABASE_URL: 'file:/tmp/x.db' }).clickRetentionDays).toBe(400)
  })
})
