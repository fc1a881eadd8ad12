// A turn's postbacks recorded together, on real databases: known repeats answered
// from one read with their log line written at once, everything else through the
// ledger as if the reports had arrived one after the other.
import { beforeEach, expect, it } from 'vitest'
import { recordPostbackBatch, type BatchItem } from '../../src/postbacks/record-batch.ts'
import type { CheckedReport } from '../../src/postbacks/receive-postback.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

describeEachDatabase('recordPostbackBatch', (t, provider) => {
  let networkId = 0
  let partnerId = 0
  const report = (txnId: string, status: CheckedReport['status'], cents: number | null = 1000): CheckedReport => ({
    networkId,
    txnId,
    status,
    networkWord: status,
    money: cents === null ? null : { cents, originalAmount: (cents / 100).toFixed(2), currency: 'EUR', rate: '1' },
    subid: { partnerId, assignmentId: 1, clickId: 'NOCLICKaaaaaaaaaaaaaaa' },
  })
  let n = 0
  const item = (r: CheckedReport | null): BatchItem => ({
    received: { method: 'GET', rawQuery: `q=${n++}`, rawBody: null, sourceIp: '203.0.113.5', networkSlug: 'n' },
    report: r,
  })
  const outcomes = (recorded: Awaited<ReturnType<typeof recordPostbackBatch>>) => recorded.map((r) => r.result?.outcome ?? 'none')
  const history = () => t().db.walletEntryHistory.count()

  beforeEach(async () => {
    const { db } = t()
    await truncateAll(db, provider)
    networkId = (await db.network.create({ data: { slug: 'n', name: 'N', postbackToken: 'tok-0123456789abcdef' } })).id
    partnerId = (await db.partner.create({ data: { name: 'P' } })).id
  })

  it('a known repeat is a duplicate, logged with its verdict and entry, without touching the ledger', async () => {
    const first = await recordPostbackBatch(t().database, [item(report('R1', 'confirmed'))])
    expect(outcomes(first)).toEqual(['accepted'])
    const before = await history()
    const again = await recordPostbackBatch(t().database, [item(report('R1', 'confirmed')), item(report('R1b', 'pending'))])
    expect(outcomes(again)).toEqual(['duplicate', 'accepted'])
    const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R1' } })
    expect(again[0]!.result).toEqual({ outcome: 'duplicate', entryId: entry.id, reason: null })
    const line = await t().db.postbackLog.findUniqueOrThrow({ where: { id: again[0]!.logId } })
    expect([line.outcome, line.entryId, line.reason, line.processedAt !== null]).toEqual(['duplicate', entry.id, null, true])
    expect(await history()).toBe(before + 1) // R1b's creation only
  })

  it('a late pending after a decision is a duplicate with its reason', async () => {
    await recordPostbackBatch(t().database, [item(report('R2', 'pending')), item(null)])
    await recordPostbackBatch(t().database, [item(report('R2', 'confirmed', null))])
    const [late] = await recordPostbackBatch(t().database, [item(report('R2', 'pending', null))])
    expect(late!.result).toMatchObject({ outcome: 'duplicate', reason: 'late pending ignored: the conversion is already confirmed' })
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R2' } })).status).toBe('confirmed')
  })

  it('a transaction repeated several times in one batch: every report a duplicate, the ledger untouched', async () => {
    await recordPostbackBatch(t().database, [item(report('R4', 'confirmed'))])
    const before = await history()
    const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R4' } })
    const batch = await recordPostbackBatch(t().database, [
      item(report('R4', 'confirmed')),
      item(report('R4', 'pending')),
      item(report('R4', 'confirmed')),
    ])
    expect(batch.map((b) => b.result)).toEqual([
      { outcome: 'duplicate', entryId: entry.id, reason: null },
      { outcome: 'duplicate', entryId: entry.id, reason: 'late pending ignored: the conversion is already confirmed' },
      { outcome: 'duplicate', entryId: entry.id, reason: null },
    ])
    expect(await history()).toBe(before)
    const lines = await t().db.postbackLog.findMany({ where: { id: { in: batch.map((b) => b.logId) } }, orderBy: { id: 'asc' } })
    expect(lines.map((l) => [l.outcome, l.entryId])).toEqual([
      ['duplicate', entry.id],
      ['duplicate', entry.id],
      ['duplicate', entry.id],
    ])
    expect(await t().db.walletEntry.count({ where: { txnId: 'R4' } })).toBe(1)
    // A repeat followed by a change: the change is applied, in order, after the repeat.
    const mixed = await recordPostbackBatch(t().database, [item(report('R4', 'confirmed')), item(report('R4', 'reversed', null))])
    expect(outcomes(mixed)).toEqual(['duplicate', 'updated'])
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R4' } })).status).toBe('reversed')
  })

  it('two reports of one transaction in a batch go through the ledger in order, not as repeats', async () => {
    await recordPostbackBatch(t().database, [item(report('R3', 'confirmed'))])
    // Alone, "confirmed" would be a repeat; after "reversed" in the same batch it is a re-approval.
    const batch = await recordPostbackBatch(t().database, [item(report('R3', 'reversed', null)), item(report('R3', 'confirmed', null))])
    expect(outcomes(batch)).toEqual(['updated', 'updated'])
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R3' } })).status).toBe('confirmed')
    const lines = await t().db.postbackLog.findMany({ where: { id: { in: batch.map((b) => b.logId) } }, orderBy: { id: 'asc' } })
    expect(lines.map((l) => l.outcome)).toEqual(['updated', 'updated'])
  })
})
