// The visitors' last clicks (click_visitors) are forgotten by the click retention
// pass once they are a uniqueness window old, and not before: a visitor seen
// within the hour still makes the next click a repeat after a pass.
import { expect, it } from 'vitest'
import { insertClickEvents, UNIQUE_WINDOW_MS, type ClickEventRow } from '../../src/db/hot/index.ts'
import { ClickEventPruner } from '../../src/tracking/click-retention.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const NOW = Date.UTC(2027, 5, 1, 12, 0, 0)

describeEachDatabase('click visitors pruning', (t) => {
  it('forgets visitors whose last click is a window old, keeps the others, a batch at a time', async () => {
    const { db, database } = t()
    const network = await db.network.create({ data: { slug: 'prune', name: 'Prune' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'O', url: 'https://a.example/' } })
    const partner = await db.partner.create({ data: { name: 'P' } })
    const link = await db.assignment.create({ data: { partnerId: partner.id, offerId: offer.id, code: 'prunelink', status: 'posted' } })
    let n = 0
    const click = (ts: number, visitor: string): ClickEventRow => ({
      kind: 'click',
      ts: new Date(ts),
      partnerId: partner.id,
      assignmentId: link.id,
      offerId: offer.id,
      clickId: `prune${n++}`,
      visitorHash: visitor,
      userAgent: null,
      referer: null,
      isUnique: true,
    })
    const old = Array.from({ length: 7 }, (_, i) => click(NOW - UNIQUE_WINDOW_MS - 1 - i * 60_000, `old${i}`))
    await insertClickEvents(database, [...old, click(NOW - UNIQUE_WINDOW_MS + 1, 'recent'), click(NOW - 5_000, 'fresh')])
    expect(await db.clickVisitor.count()).toBe(9)

    const result = await new ClickEventPruner(database, { retentionDays: 30, batchSize: 3, pauseMs: 0 }).prune(new Date(NOW))
    expect(result.visitorsDeleted).toBe(7)
    expect((await db.clickVisitor.findMany({ orderBy: { visitorHash: 'asc' } })).map((v) => v.visitorHash)).toEqual(['fresh', 'recent'])

    // After the pass: "recent" is still a repeat, a forgotten visitor is unique again.
    await insertClickEvents(database, [click(NOW, 'recent'), click(NOW, 'old0')])
    const back = await db.metricEvent.findMany({ where: { ts: new Date(NOW) }, orderBy: { visitorHash: 'asc' } })
    expect(back.map((e) => [e.visitorHash, e.isUnique])).toEqual([
      ['old0', true],
      ['recent', false],
    ])
  })
})
