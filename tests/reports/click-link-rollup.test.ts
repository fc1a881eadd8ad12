import { expect, it } from 'vitest'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const row = (
  clickId: string,
  ts: string,
  assignmentId: number | null,
  partnerId: number | null,
  kind: 'click' | 'bot',
  isUnique: boolean,
): ClickEventRow => ({
  kind,
  ts: new Date(ts),
  partnerId,
  assignmentId,
  offerId: null,
  clickId,
  visitorHash: null,
  userAgent: null,
  referer: null,
  isUnique,
})

describeEachDatabase('click link rollup', (t) => {
  it('counts each batch by UTC day, tracked link and kind, with its unique clicks, in the batch statement', async () => {
    const { db, database } = t()
    await insertClickEvents(database, [
      row('l1', '2026-05-01T23:59:59.999Z', 7, 3, 'click', true),
      row('l2', '2026-05-02T00:00:00.000Z', 7, 3, 'click', true),
      row('l3', '2026-05-02T10:00:00.000Z', 7, 3, 'click', false),
      row('l4', '2026-05-02T10:00:00.000Z', 8, 3, 'bot', true),
      row('l5', '2026-05-02T11:00:00.000Z', null, null, 'click', true),
    ])
    await insertClickEvents(database, [row('l6', '2026-05-02T12:00:00.000Z', 7, 3, 'click', true)])
    const rollup = await db.clickLinkRollup.findMany({})
    const got = rollup
      .map((r) => `${r.day.toISOString().slice(0, 10)} a${r.assignmentId} p${r.partnerId} ${r.kind} ${r.count}/${r.uniqueCount}`)
      .sort()
    expect(got).toEqual([
      '2026-05-01 a7 p3 click 1/1',
      '2026-05-02 a0 p0 click 1/1',
      '2026-05-02 a7 p3 click 3/2',
      '2026-05-02 a8 p3 bot 1/1',
    ])
  })

  it('writes nothing of a failed batch (a duplicate click id): the rollup stays in step with the events', async () => {
    const { db, database } = t()
    await insertClickEvents(database, [row('dup1', '2026-06-01T10:00:00Z', 9, 4, 'click', true)])
    await expect(
      insertClickEvents(database, [
        row('dup2', '2026-06-01T11:00:00Z', 9, 4, 'click', true),
        row('dup1', '2026-06-01T12:00:00Z', 9, 4, 'click', true),
      ]),
    ).rejects.toThrow()
    const rollup = await db.clickLinkRollup.findMany({ where: { assignmentId: 9 } })
    expect(rollup.map((r) => [r.count, r.uniqueCount])).toEqual([[1, 1]])
    expect(await db.metricEvent.count({ where: { assignmentId: 9 } })).toBe(1)
  })
})
