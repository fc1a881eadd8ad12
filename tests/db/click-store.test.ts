import { expect, it } from 'vitest'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { besideRolledBackTransaction } from '../helpers/open-transaction.ts'

const row = (clickId: string, ts: string, partnerId: number | null, kind: 'click' | 'bot' = 'click'): ClickEventRow => ({
  kind,
  ts: new Date(ts),
  partnerId,
  assignmentId: null,
  offerId: null,
  clickId,
  visitorHash: null,
  userAgent: null,
  referer: null,
  isUnique: true,
})

describeEachDatabase('click store', (t) => {
  it('writes events and adds to the rollup of days already counted', async () => {
    const { db } = t()
    const p = await db.partner.create({ data: { name: 'P' } })
    await insertClickEvents(t().database, [row('k1', '2026-03-02T10:00:00Z', p.id), row('k2', '2026-03-02T11:00:00Z', p.id)])
    await insertClickEvents(t().database, [row('k3', '2026-03-02T12:00:00Z', p.id), row('k4', '2026-03-03T00:00:00Z', p.id)])
    expect(await db.metricEvent.count({ where: { partnerId: p.id } })).toBe(4)
    const rollup = await db.clickRollup.findMany({ where: { partnerId: p.id }, orderBy: { day: 'asc' } })
    expect(rollup.map((r) => [r.day.toISOString().slice(0, 10), r.count])).toEqual([
      ['2026-03-02', 3],
      ['2026-03-03', 1],
    ])
  })

  it('counts a batch into its UTC days by partner and kind, in the same statement', async () => {
    const { db } = t()
    const p = await db.partner.create({ data: { name: 'Q' } })
    await insertClickEvents(t().database, [
      row('d1', '2026-05-01T23:59:59.999Z', p.id),
      row('d2', '2026-05-02T00:00:00.000Z', p.id),
      row('d3', '2026-05-02T10:00:00.000Z', p.id),
      row('d4', '2026-05-02T10:00:00.000Z', null, 'bot'),
      row('d5', '2026-05-02T11:00:00.000Z', p.id, 'bot'),
    ])
    const rollup = await db.clickRollup.findMany({
      where: { day: { gte: new Date('2026-05-01T00:00:00Z'), lt: new Date('2026-05-03T00:00:00Z') } },
    })
    const got = rollup
      .map((r) => `${r.day.toISOString().slice(0, 10)} p${r.partnerId === p.id ? 'Q' : r.partnerId} ${r.kind} ${r.count}`)
      .sort()
    expect(got).toEqual(['2026-05-01 pQ click 1', '2026-05-02 p0 bot 1', '2026-05-02 pQ bot 1', '2026-05-02 pQ click 2'])
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
    expect(
      back.map(({ kind, ts, partnerId, assignmentId, offerId, clickId, visitorHash, userAgent, referer, isUnique }) => ({
        kind,
        ts,
        partnerId,
        assignmentId,
        offerId,
        clickId,
        visitorHash,
        userAgent,
        referer,
        isUnique,
      })),
    ).toEqual(rows)
  })

  it('writes nothing of a batch that fails (a duplicate click id): events and rollup stay in step', async () => {
    const { db } = t()
    await insertClickEvents(t().database, [row('dup', '2026-04-01T10:00:00Z', null)])
    await expect(
      insertClickEvents(t().database, [row('fresh', '2026-04-01T11:00:00Z', null), row('dup', '2026-04-01T12:00:00Z', null)]),
    ).rejects.toThrow()
    expect(await db.metricEvent.count({ where: { clickId: 'fresh' } })).toBe(0)
    const day = await db.clickRollup.findFirst({ where: { day: new Date('2026-04-01T00:00:00Z'), partnerId: 0, kind: 'click' } })
    expect(day?.count).toBe(1)
  })
})

describeEachDatabase('click store beside an open transaction', (t) => {
  // A postback batch or a console action holds a transaction open across awaits;
  // a click batch committed meanwhile has been acknowledged (302) and must not be
  // undone when that transaction rolls back.
  it('keeps a click batch written while another transaction is open, when that transaction rolls back', async () => {
    const { db } = t()
    const p = await db.partner.create({ data: { name: 'Tx' } })
    await besideRolledBackTransaction(
      db,
      (tx) => tx.partner.update({ where: { id: p.id }, data: { name: 'Tx renamed' } }),
      () => insertClickEvents(t().database, [row('beside-tx', '2026-06-01T10:00:00Z', p.id)]),
    )
    expect((await db.partner.findUniqueOrThrow({ where: { id: p.id } })).name).toBe('Tx')
    expect(await db.metricEvent.count({ where: { clickId: 'beside-tx' } })).toBe(1)
    const rollup = await db.clickRollup.findMany({ where: { partnerId: p.id } })
    expect(rollup.map((r) => r.count)).toEqual([1])
  })
})
