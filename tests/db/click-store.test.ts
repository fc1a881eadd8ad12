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
    await insertClickEvents(t().database, [row('k1', '2026-03-02T10:00:00Z', p.id), row('k2', '2026-03-02T11:00:00Z', p.id)])
    await insertClickEvents(t().database, [row('k3', '2026-03-02T12:00:00Z', p.id), row('k4', '2026-03-03T00:00:00Z', p.id)])
    expect(await db.metricEvent.count({ where: { partnerId: p.id } })).toBe(4)
    const rollup = await db.clickRollup.findMany({ where: { partnerId: p.id }, orderBy: { day: 'asc' } })
    expect(rollup.map((r) => [r.day.toISOString().slice(0, 10), r.count])).toEqual([['2026-03-02', 3], ['2026-03-03', 1]])
  })

  it('stores every value of a row as given: milliseconds, flags, nulls, any text', async () => {
    const { db } = t()
    const p = await db.partner.create({ data: { name: 'P' } })
    const texts = ['Mozilla/5.0 "quoted" l\'apostrophe — é 🚀 \\ back', '{"json": [1, 2]}', 'NUL-free but\ttabbed\nnew line']
    const rows: ClickEventRow[] = texts.map((ua, i) => ({
      kind: i === 1 ? 'bot' : 'click',
      ts: new Date(Date.UTC(2026, 2, 2, 10, 0, 0, 123 + i)),
      partnerId: i === 2 ? null : p.id,
      assignmentId: null,
      offerId: null,
      clickId: `vals${i}`,
      visitorHash: i === 0 ? null : `h${i}`,
      userAgent: ua,
      referer: i === 0 ? 'https://blog.example/a?b=c&d=é' : null,
      isUnique: i !== 1,
    }))
    await insertClickEvents(t().database, rows)
    const back = await db.metricEvent.findMany({ where: { clickId: { startsWith: 'vals' } }, orderBy: { clickId: 'asc' } })
    expect(back.map(({ kind, ts, partnerId, assignmentId, offerId, clickId, visitorHash, userAgent, referer, isUnique }) => ({ kind, ts, partnerId, assignmentId, offerId, clickId, visitorHash, userAgent, referer, isUnique }))).toEqual(rows)
  })

  it('writes nothing of a batch that fails (a duplicate click id): events and rollup stay in step', async () => {
    const { db } = t()
    await insertClickEvents(t().database, [row('dup', '2026-04-01T10:00:00Z', null)])
    await expect(insertClickEvents(t().database, [row('fresh', '2026-04-01T11:00:00Z', null), row('dup', '2026-04-01T12:00:00Z', null)])).rejects.toThrow()
    expect(await db.metricEvent.count({ where: { clickId: 'fresh' } })).toBe(0)
    const day = await db.clickRollup.findFirst({ where: { day: new Date('2026-04-01T00:00:00Z'), partnerId: 0, kind: 'click' } })
    expect(day?.count).toBe(1)
  })
})
