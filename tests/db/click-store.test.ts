import { expect, it } from 'vitest'
import { insertClickEvents, rollupOf, utcDay, type ClickEventRow } from '../../src/db/click-store.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const row = (clickId: string, ts: string, partnerId: number | null, kind: 'click' | 'bot' = 'click'): ClickEventRow => ({
  kind, ts: new Date(ts), partnerId, assignmentId: null, offerId: null, clickId, visitorHash: null, userAgent: null, referer: null, isUnique: true,
})

it('groups a batch by UTC day, partner and kind', () => {
  expect(utcDay(new Date('2026-03-01T23:59:59.999Z')).toISOString()).toBe('2026-03-01T00:00:00.000Z')
  const groups = [...rollupOf([
    row('a', '2026-03-01T23:59:59.999Z', 1),
    row('b', '2026-03-02T00:00:00.000Z', 1),
    row('c', '2026-03-02T10:00:00.000Z', 1),
    row('d', '2026-03-02T10:00:00.000Z', null, 'bot'),
  ]).values()].map((g) => `${g.day.toISOString().slice(0, 10)} p${g.partnerId} ${g.kind} ${g.count}`)
  expect(groups.sort()).toEqual(['2026-03-01 p1 click 1', '2026-03-02 p0 bot 1', '2026-03-02 p1 click 2'])
})

describeEachDatabase('click store', (t) => {
  it('writes events and adds to the rollup of days already counted', async () => {
    const { db } = t()
    const p = await db.partner.create({ data: { name: 'P' } })
    await insertClickEvents(db, [row('k1', '2026-03-02T10:00:00Z', p.id), row('k2', '2026-03-02T11:00:00Z', p.id)])
    await insertClickEvents(db, [row('k3', '2026-03-02T12:00:00Z', p.id), row('k4', '2026-03-03T00:00:00Z', p.id)])
    expect(await db.metricEvent.count({ where: { partnerId: p.id } })).toBe(4)
    const rollup = await db.clickRollup.findMany({ where: { partnerId: p.id }, orderBy: { day: 'asc' } })
    expect(rollup.map((r) => [r.day.toISOString().slice(0, 10), r.count])).toEqual([['2026-03-02', 3], ['2026-03-03', 1]])
  })

  it('writes nothing of a batch that fails (a duplicate click id): events and rollup stay in step', async () => {
    const { db } = t()
    await insertClickEvents(db, [row('dup', '2026-04-01T10:00:00Z', null)])
    await expect(insertClickEvents(db, [row('fresh', '2026-04-01T11:00:00Z', null), row('dup', '2026-04-01T12:00:00Z', null)])).rejects.toThrow()
    expect(await db.metricEvent.count({ where: { clickId: 'fresh' } })).toBe(0)
    const day = await db.clickRollup.findFirst({ where: { day: new Date('2026-04-01T00:00:00Z'), partnerId: 0, kind: 'click' } })
    expect(day?.count).toBe(1)
  })
})
