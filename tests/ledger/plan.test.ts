// The ledger rules for a batch of reports, without a database: reports on the same
// conversion in one batch behave as if they had arrived one after the other.
import { describe, expect, it } from 'vitest'
import { attribution, partnersToCheck, planBatch, type ConversionReport, type KnownClick } from '../../src/ledger/plan.ts'

const money = (cents: number) => ({ cents, originalAmount: (cents / 100).toFixed(2), currency: 'EUR', rate: '1' })
const subid = { partnerId: 7, assignmentId: 70, clickId: 'CLICK' }
const report = (over: Partial<ConversionReport>): ConversionReport => ({
  networkId: 1,
  txnId: 'T',
  status: 'pending',
  networkWord: 'pending',
  money: money(1000),
  subid,
  postbackLogId: null,
  ...over,
})
const click = (over: Partial<KnownClick> = {}): KnownClick => ({ clickId: 'CLICK', partnerId: 7, assignmentId: 70, kind: 'click', ...over })
const clicks = new Map([['CLICK', click()]])

describe('ledger plan', () => {
  it('creates a new conversion with its first history step', () => {
    const plan = planBatch([report({ postbackLogId: 5 })], [], clicks, new Set())
    expect(plan.creates).toEqual([expect.objectContaining({ txnId: 'T', status: 'pending', partnerId: 7, flag: null, money: money(1000) })])
    expect(plan.history).toEqual([
      { entry: { create: 0 }, fromStatus: null, toStatus: 'pending', networkWord: 'pending', amountCents: 1000, postbackLogId: 5 },
    ])
    expect(plan.results).toEqual([{ outcome: 'accepted', entry: { create: 0 }, flag: null }])
    expect(plan.updates).toEqual([])
  })

  it('identical reports in one batch: one creation, then duplicates', () => {
    const plan = planBatch([report({}), report({}), report({})], [], clicks, new Set())
    expect(plan.creates).toHaveLength(1)
    expect(plan.results.map((r) => r.outcome)).toEqual(['accepted', 'duplicate', 'duplicate'])
  })

  it('a creation and its status changes in one batch: created in the final state, every step in the history', () => {
    const plan = planBatch(
      [
        report({ status: 'pending', networkWord: 'hold' }),
        report({ status: 'confirmed', networkWord: 'approved', money: money(1200) }),
        report({ status: 'pending', networkWord: 'pending', money: null }),
        report({ status: 'reversed', networkWord: 'chargeback', money: null }),
      ],
      [],
      clicks,
      new Set(),
    )
    expect(plan.creates).toEqual([expect.objectContaining({ status: 'reversed', money: money(1200) })])
    expect(plan.history.map((h) => [h.fromStatus, h.toStatus, h.networkWord])).toEqual([
      [null, 'pending', 'hold'],
      ['pending', 'confirmed', 'approved'],
      ['confirmed', 'reversed', 'chargeback'],
    ])
    expect(plan.results.map((r) => r.outcome)).toEqual(['accepted', 'updated', 'duplicate', 'updated'])
    expect(plan.updates).toEqual([])
  })

  it('changes to an existing entry: one conditional update from the status read to the final one', () => {
    const plan = planBatch(
      [
        report({ status: 'confirmed', networkWord: 'approved', money: null }),
        report({ status: 'reversed', networkWord: 'refund', money: money(0) }),
      ],
      [{ id: 42, networkId: 1, txnId: 'T', status: 'pending' }],
      clicks,
      new Set(),
    )
    expect(plan.creates).toEqual([])
    expect(plan.updates).toEqual([{ id: 42, from: 'pending', to: 'reversed', money: money(0) }])
    expect(plan.results).toEqual([
      { outcome: 'updated', entry: { id: 42 }, from: 'pending', to: 'confirmed' },
      { outcome: 'updated', entry: { id: 42 }, from: 'confirmed', to: 'reversed' },
    ])
  })

  it('refuses invalid moves and ignores late pendings without writing', () => {
    const plan = planBatch(
      [report({ status: 'confirmed', networkWord: 'approved' }), report({ status: 'pending' })],
      [{ id: 9, networkId: 1, txnId: 'T', status: 'rejected' }],
      clicks,
      new Set(),
    )
    expect(plan.results).toEqual([
      { outcome: 'refused', entry: { id: 9 }, reason: 'a rejected conversion cannot become confirmed' },
      { outcome: 'duplicate', entry: { id: 9 }, reason: 'late pending ignored: the conversion is already rejected' },
    ])
    expect([plan.updates, plan.history, plan.creates]).toEqual([[], [], []])
  })

  it('a new conversion without an amount is rejected; the same txn on another network is another conversion', () => {
    const plan = planBatch(
      [report({ money: null }), report({ networkId: 2 })],
      [{ id: 1, networkId: 1, txnId: 'X', status: 'pending' }],
      clicks,
      new Set(),
    )
    expect(plan.results[0]).toEqual({ outcome: 'rejected', reason: expect.stringMatching(/amount is required/) as unknown })
    expect(plan.creates).toEqual([expect.objectContaining({ networkId: 2 })])
  })

  it('attributes by the click, flags what it cannot prove', () => {
    expect(attribution(subid, click(), false)).toEqual({ partnerId: 7, flag: null })
    expect(attribution(subid, click({ kind: 'bot' }), false)).toEqual({ partnerId: 7, flag: 'bot_click' })
    expect(attribution(subid, undefined, true)).toEqual({ partnerId: 7, flag: 'unknown_click' })
    expect(attribution(subid, click({ assignmentId: 71 }), true)).toEqual({ partnerId: 7, flag: 'click_mismatch' })
    expect(attribution(subid, undefined, false)).toEqual({ partnerId: null, flag: 'unknown_partner' })
    // A click on another network's offer: the partner is the click's, the conversion is flagged.
    expect(attribution(subid, click({ networkId: 3 }), false, 4)).toEqual({ partnerId: 7, flag: 'click_mismatch' })
    expect(attribution(subid, click({ networkId: 3 }), false, 3)).toEqual({ partnerId: 7, flag: null })
    expect(attribution(subid, click({ networkId: null }), false, 3)).toEqual({ partnerId: 7, flag: null })
    expect(partnersToCheck([report({}), report({ subid: { ...subid, clickId: 'OTHER', partnerId: 8 } })], clicks)).toEqual([8])
  })
})
