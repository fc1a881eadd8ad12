// The ledger write of a postback, on real databases: idempotent under races
// (the unique constraint decides, across instances), status changes with
// history, flags instead of drops.
import { beforeEach, expect, it } from 'vitest'
import { applyPostback, applyPostbacks, type ConversionReport } from '../../src/ledger/apply.ts'
import { openDatabase } from '../../src/db/client.ts'
import { insertClickEvents } from '../../src/db/hot/index.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

describeEachDatabase('applyPostback', (t, provider) => {
  let networkId = 0
  let partnerId = 0
  let assignmentId = 0
  const clickId = 'CLICKaaaaaaaaaaaaaaaaa'
  const money = (cents: number) => ({ cents, originalAmount: (cents / 100).toFixed(2), currency: 'EUR', rate: '1' })
  const report = (over: Partial<ConversionReport> = {}): ConversionReport => ({
    networkId,
    txnId: 'T1',
    status: 'pending',
    networkWord: 'pending',
    money: money(1250),
    subid: { partnerId, assignmentId, clickId },
    postbackLogId: null,
    ...over,
  })

  beforeEach(async () => {
    const { db } = t()
    await truncateAll(db, provider)
    networkId = (await db.network.create({ data: { slug: 'n', name: 'N', postbackToken: 'tok-0123456789abcdef' } })).id
    partnerId = (await db.partner.create({ data: { name: 'P' } })).id
    const offer = await db.offer.create({ data: { networkId, name: 'O', url: 'https://a.example/' } })
    assignmentId = (await db.assignment.create({ data: { partnerId, offerId: offer.id, code: 'code0001', status: 'posted' } })).id
    await insertClickEvents(t().database, [
      {
        kind: 'click',
        ts: new Date(),
        partnerId,
        assignmentId,
        offerId: offer.id,
        clickId,
        visitorHash: 'v',
        userAgent: 'UA',
        referer: null,
        isUnique: true,
      },
      {
        kind: 'bot',
        ts: new Date(),
        partnerId,
        assignmentId,
        offerId: offer.id,
        clickId: 'BOTCLICKaaaaaaaaaaaaaa',
        visitorHash: 'v',
        userAgent: 'Slackbot',
        referer: null,
        isUnique: false,
      },
    ])
  })

  it('50 concurrent identical postbacks make exactly one entry', async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, () => applyPostback(t().database, report({ status: 'confirmed', networkWord: 'approved' }))),
    )
    expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(1)
    expect(results.filter((r) => r.outcome === 'duplicate')).toHaveLength(49)
    expect(await t().db.walletEntry.count()).toBe(1)
    expect(await t().db.walletEntryHistory.count()).toBe(1)
  })

  // Several instances share one PostgreSQL; SQLite is the single-instance embedded mode.
  it.skipIf(provider === 'sqlite')(
    'two server instances (two connection pools) racing the same postback still make one entry',
    async () => {
      const other = await openDatabase(t().url, { poolSize: 4 })
      try {
        const results = await Promise.all(
          Array.from({ length: 40 }, (_, i) =>
            applyPostback(i % 2 ? t().database : other, report({ txnId: 'RACE', status: 'confirmed', networkWord: 'approved' })),
          ),
        )
        expect(results.filter((r) => r.outcome === 'accepted')).toHaveLength(1)
        expect(await t().db.walletEntry.count({ where: { txnId: 'RACE' } })).toBe(1)
      } finally {
        await other.close()
      }
    },
  )

  it('concurrent different statuses for one entry: every change applied once, in a valid order', async () => {
    await applyPostback(t().database, report())
    const results = await Promise.all([
      ...Array.from({ length: 10 }, () =>
        applyPostback(t().database, report({ status: 'confirmed', networkWord: 'approved', money: null })),
      ),
      ...Array.from({ length: 10 }, () => applyPostback(t().database, report({ status: 'pending', money: null }))),
    ])
    expect(results.filter((r) => r.outcome === 'updated')).toHaveLength(1)
    const history = await t().db.walletEntryHistory.findMany({ orderBy: { id: 'asc' } })
    expect(history.map((h) => [h.fromStatus, h.toStatus])).toEqual([
      [null, 'pending'],
      ['pending', 'confirmed'],
    ])
  })

  it('an out-of-order sequence ends where the network meant it to, with every change in the history', async () => {
    const apply = (status: ConversionReport['status'], networkWord: string, cents: number | null) =>
      applyPostback(t().database, report({ txnId: 'OOO', status, networkWord, money: cents === null ? null : money(cents) }))
    // The approval overtakes the pending report; then the chargeback; then a late pending.
    expect(await apply('confirmed', 'APPROVED', 2000)).toMatchObject({ outcome: 'accepted' })
    expect(await apply('pending', 'PENDING', 2000)).toMatchObject({
      outcome: 'duplicate',
      reason: expect.stringMatching(/late pending/) as unknown,
    })
    expect(await apply('reversed', 'REVERSED', null)).toMatchObject({ outcome: 'updated', from: 'confirmed', to: 'reversed' })
    // Re-approved after the chargeback (the network's last word stands).
    expect(await apply('confirmed', 'APPROVED', 2000)).toMatchObject({ outcome: 'updated', from: 'reversed', to: 'confirmed' })
    expect(await apply('pending', 'PENDING', null)).toMatchObject({ outcome: 'duplicate' })
    const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'OOO' }, include: { history: { orderBy: { id: 'asc' } } } })
    expect(entry.status).toBe('confirmed')
    expect(entry.amountCents).toBe(2000)
    expect(entry.history.map((h) => [h.fromStatus, h.toStatus, h.networkWord, h.source])).toEqual([
      [null, 'confirmed', 'APPROVED', 'postback'],
      ['confirmed', 'reversed', 'REVERSED', 'postback'],
      ['reversed', 'confirmed', 'APPROVED', 'postback'],
    ])
  })

  it('a status change with an amount updates the amount; without one keeps it', async () => {
    await applyPostback(t().database, report({ txnId: 'AMT' }))
    await applyPostback(
      t().database,
      report({
        txnId: 'AMT',
        status: 'confirmed',
        networkWord: 'approved',
        money: { cents: 990, originalAmount: '10.76', currency: 'USD', rate: '0.92' },
      }),
    )
    const e = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'AMT' } })
    expect([e.amountCents, e.originalAmount, e.originalCurrency, e.fxRate]).toEqual([990, '10.76', 'USD', '0.92'])
  })

  it('a new conversion needs an amount', async () => {
    expect(await applyPostback(t().database, report({ txnId: 'NOAMT', money: null }))).toMatchObject({
      outcome: 'rejected',
      reason: expect.stringMatching(/amount is required/) as unknown,
    })
    expect(await t().db.walletEntry.count({ where: { txnId: 'NOAMT' } })).toBe(0)
  })

  it('keeps and flags conversions it cannot attribute cleanly', async () => {
    const flagOf = async (txnId: string, subid: ConversionReport['subid']) => {
      const r = await applyPostback(t().database, report({ txnId, subid }))
      expect(r.outcome).toBe('accepted')
      return t().db.walletEntry.findFirstOrThrow({ where: { txnId }, select: { flag: true, partnerId: true, clickId: true } })
    }
    expect(await flagOf('OK', { partnerId, assignmentId, clickId })).toEqual({ flag: null, partnerId, clickId })
    expect(await flagOf('NOPARTNER', { partnerId: 999_999, assignmentId, clickId: 'whatever' })).toEqual({
      flag: 'unknown_partner',
      partnerId: null,
      clickId: 'whatever',
    })
    expect(await flagOf('NOCLICK', { partnerId, assignmentId, clickId: 'neverclicked' })).toEqual({
      flag: 'unknown_click',
      partnerId,
      clickId: 'neverclicked',
    })
    expect(await flagOf('MISMATCH', { partnerId, assignmentId: assignmentId + 1, clickId })).toEqual({
      flag: 'click_mismatch',
      partnerId,
      clickId,
    })
    expect(await flagOf('BOT', { partnerId, assignmentId, clickId: 'BOTCLICKaaaaaaaaaaaaaa' })).toMatchObject({
      flag: 'bot_click',
      partnerId,
    })
    expect(await t().db.walletEntry.count()).toBe(5)
  })

  it('writes the verdict into the postback log in the same transaction', async () => {
    const log = await t().db.postbackLog.create({ data: { method: 'GET', rawQuery: 'x' } })
    await applyPostback(t().database, report({ txnId: 'LOG', postbackLogId: log.id }))
    const after = await t().db.postbackLog.findUniqueOrThrow({ where: { id: log.id } })
    const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'LOG' }, include: { history: true } })
    expect(after).toMatchObject({ outcome: 'accepted', entryId: entry.id })
    expect(after.processedAt).not.toBeNull()
    expect(entry.history[0]!.postbackLogId).toBe(log.id)
  })

  it('a batch in one transaction: each report as if applied one after the other, verdicts in the log', async () => {
    const { db } = t()
    const logs = []
    for (let i = 0; i < 6; i++) logs.push(await db.postbackLog.create({ data: { method: 'GET', rawQuery: `x${i}` } }))
    const results = await applyPostbacks(t().database, [
      report({ txnId: 'B1', postbackLogId: logs[0]!.id }),
      report({ txnId: 'B1', status: 'confirmed', networkWord: 'approved', money: null, postbackLogId: logs[1]!.id }),
      report({ txnId: 'B2', status: 'confirmed', networkWord: 'approved', postbackLogId: logs[2]!.id }),
      report({ txnId: 'B2', status: 'confirmed', networkWord: 'approved', postbackLogId: logs[3]!.id }),
      report({ txnId: 'B3', money: null, postbackLogId: logs[4]!.id }),
      report({ txnId: 'B2', status: 'rejected', networkWord: 'declined', money: null, postbackLogId: logs[5]!.id }),
    ])
    expect(results.map((r) => r.outcome)).toEqual(['accepted', 'updated', 'accepted', 'duplicate', 'rejected', 'updated'])
    const entries = await db.walletEntry.findMany({
      where: { txnId: { in: ['B1', 'B2', 'B3'] } },
      orderBy: { txnId: 'asc' },
      include: { history: { orderBy: { id: 'asc' } } },
    })
    expect(entries.map((e) => [e.txnId, e.status, e.history.map((h) => h.toStatus)])).toEqual([
      ['B1', 'confirmed', ['pending', 'confirmed']],
      ['B2', 'rejected', ['confirmed', 'rejected']],
    ])
    const after = await db.postbackLog.findMany({ where: { id: { in: logs.map((l) => l.id) } }, orderBy: { id: 'asc' } })
    expect(after.map((l) => l.outcome)).toEqual(['accepted', 'updated', 'accepted', 'duplicate', 'rejected', 'updated'])
    expect(after[0]!.entryId).toBe(entries[0]!.id)
    expect(after[5]).toMatchObject({ entryId: entries[1]!.id, reason: null })
    expect(entries[0]!.history.map((h) => h.postbackLogId)).toEqual([logs[0]!.id, logs[1]!.id])
  })
})
