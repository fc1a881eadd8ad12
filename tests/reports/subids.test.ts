// The partner's own sub-ids in figures: clicksBySubid over UTC days (one partner's
// or everyone's, by s1 or another key, clicks and unique clicks, most clicks
// first, clicks without the sub-id last), the report grouped by s1 (raw events,
// conversions by their click's s1), and the raw clicks CSV with s1…s5.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildReport } from '../../src/reports/report.ts'
import { defaultSort } from '../../src/reports/sorting.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { insertClickEvents, type ClickEventRow, type PartnerSubids } from '../../src/db/hot/index.ts'
import { clicksBySubid } from '../../src/tracking/subid-clicks.ts'
import { clicksCsv } from '../../src/reports/exports.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const DAY = 86_400_000
const D1 = Date.UTC(2028, 2, 10)

describeEachDatabase('clicks by partner sub-id', (t) => {
  let partner = 0
  let other = 0
  let app: FastifyInstance
  beforeAll(async () => {
    const { db, database } = t()
    app = await buildTestApp(t())
    const network = await db.network.create({ data: { slug: 'subnet', name: 'Sub' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'O', url: 'https://a.example/' } })
    partner = (await db.partner.create({ data: { name: 'Léa' } })).id
    other = (await db.partner.create({ data: { name: 'Marc' } })).id
    const linkOf = async (partnerId: number, code: string) =>
      (await db.assignment.create({ data: { partnerId, offerId: offer.id, code, status: 'posted' } })).id
    const links = { [partner]: await linkOf(partner, 'subleal'), [other]: await linkOf(other, 'submarc') }
    let n = 0
    const click = (
      partnerId: number,
      ts: number,
      visitor: string,
      subids?: PartnerSubids,
      kind: 'click' | 'bot' = 'click',
    ): ClickEventRow => ({
      kind,
      ts: new Date(ts),
      partnerId,
      assignmentId: links[partnerId]!,
      offerId: offer.id,
      clickId: `sub${n++}`,
      visitorHash: visitor,
      userAgent: null,
      referer: null,
      isUnique: true,
      subids,
    })
    const s = (s1: string | null, s2: string | null = null): PartnerSubids => [s1, s2, null, null, null]
    await insertClickEvents(database, [
      click(partner, D1 + 1000, 'v1', s('mail', 'a')),
      click(partner, D1 + 2000, 'v2', s('mail', 'b')),
      click(partner, D1 + 3000, 'v3', s('blog')),
      click(partner, D1 + 4000, 'v4'),
      click(partner, D1 + 5000, 'v5', s('mail', 'a'), 'bot'),
      click(other, D1 + 6000, 'v6', s('mail')),
    ])
    // The same visitor again on the next day within the hour of midnight: a repeat.
    await insertClickEvents(database, [
      click(partner, D1 + DAY - 60_000, 'v7', s('blog')),
      click(partner, D1 + DAY + 60_000, 'v7', s('mail', 'a')),
    ])
    // Two days later: outside the periods asked below.
    await insertClickEvents(database, [click(partner, D1 + 3 * DAY, 'v8', s('late'))])
    // A confirmed conversion from a "mail" click, and a pending one whose click is unknown (pruned).
    const entry = (clickId: string, status: string, txnId: string) => ({
      partnerId: partner,
      type: 'conversion',
      status,
      amountCents: 1000,
      revenueCents: 1500,
      networkId: network.id,
      txnId,
      clickId,
      assignmentId: links[partner]!,
      createdAt: new Date(D1 + 3600_000),
    })
    await db.walletEntry.create({ data: entry('sub0', 'confirmed', 'T1') })
    await db.walletEntry.create({ data: entry('gone', 'pending', 'T2') })
  })
  afterAll(async () => app?.close())

  it('one partner, by s1: clicks and unique clicks, most first, clicks without s1 last; bots and others left out', async () => {
    const rows = await clicksBySubid(t().database, { partnerId: partner, from: new Date(D1), to: new Date(D1 + DAY) })
    expect(rows).toEqual([
      { subid: 'mail', clicks: 3, uniqueClicks: 2 },
      { subid: 'blog', clicks: 2, uniqueClicks: 2 },
      { subid: null, clicks: 1, uniqueClicks: 1 },
    ])
    // One day only, the first (any instant of a day stands for it): a tie goes by name.
    const first = await clicksBySubid(t().database, { partnerId: partner, from: new Date(D1 + 5 * 3600_000), to: new Date(D1) })
    expect(first.map((r) => [r.subid, r.clicks])).toEqual([
      ['blog', 2],
      ['mail', 2],
      [null, 1],
    ])
  })

  it('by another key, and over every partner', async () => {
    const byS2 = await clicksBySubid(t().database, { partnerId: partner, from: new Date(D1), to: new Date(D1 + DAY), key: 's2' })
    expect(byS2.map((r) => [r.subid, r.clicks])).toEqual([
      ['a', 2],
      ['b', 1],
      [null, 3],
    ])
    const everyone = await clicksBySubid(t().database, { partnerId: null, from: new Date(D1), to: new Date(D1) })
    expect(everyone.find((r) => r.subid === 'mail')?.clicks).toBe(3)
    expect(await clicksBySubid(t().database, { partnerId: partner, from: new Date(D1 + DAY), to: new Date(D1) })).toEqual([])
  })

  it('the raw clicks CSV carries s1…s5', async () => {
    let body = ''
    for await (const chunk of clicksCsv(t().database, { from: new Date(D1), to: new Date(D1) })) body += chunk
    const lines = body
      .replace(/^\ufeff/, '')
      .trim()
      .split('\r\n')
    expect(lines[0]!.endsWith(',s1,s2,s3,s4,s5')).toBe(true)
    const byId = new Map(lines.slice(1).map((l) => [l.split(',')[1], l]))
    expect(byId.get('sub0')!.endsWith(',mail,a,,,')).toBe(true)
    expect(byId.get('sub3')!.endsWith(',,,,,')).toBe(true)
  })

  it('the report by s1: clicks from the raw events, conversions by their click’s s1, the same totals as by day', async () => {
    const range = { from: new Date(D1), to: new Date(D1 + DAY) }
    const report = await buildReport(t().database, { groupBy: 's1', range, sort: defaultSort('s1') })
    expect(
      report.rows.map((r) => [
        r.label,
        r.clicks,
        r.uniqueClicks,
        r.botClicks,
        r.conversions.confirmed,
        r.conversions.pending,
        r.revenueCents,
      ]),
    ).toEqual([
      ['mail', 4, 3, 1, 1, 0, 1500],
      ['blog', 2, 2, 0, 0, 0, 0],
      ['Sans s1', 1, 1, 0, 0, 1, 0],
    ])
    const byDay = await buildReport(t().database, { groupBy: 'day', range, sort: defaultSort('day') })
    expect([report.totals.clicks, report.totals.uniqueClicks, report.totals.botClicks]).toEqual([
      byDay.totals.clicks,
      byDay.totals.uniqueClicks,
      byDay.totals.botClicks,
    ])
    // Through the JSON API, as the console's page asks for it.
    const res = await app.inject({
      method: 'GET',
      url: '/admin/api/reports?groupBy=s1&from=2028-03-10&to=2028-03-11',
      headers: adminHeaders,
    })
    expect(res.statusCode, res.body).toBe(200)
    expect(JSON.stringify(res.json())).toContain('"mail"')
  })
})
