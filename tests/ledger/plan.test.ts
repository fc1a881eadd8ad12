// The ledger rules for a batch of reports, without a database: reports on the same
// conversion in one batch behave as if they had arrived one after the other.
import { describe, expect, it } from 'vitest'
import {
  afterReturn,
  attribution,
  decideReport,
  partnersToCheck,
  planBatch,
  sameAmount,
  type ConversionReport,
  type EurAmount,
  type ExistingEntry,
  type KnownClick,
} from '../../src/ledger/plan.ts'
import { CONVERSION_STATUSES } from '../../src/ledger/transitions.ts'

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
const existing = (id: number, status: string, cents = 1000, over: Partial<ExistingEntry> = {}): ExistingEntry => ({
  id,
  networkId: 1,
  txnId: 'T',
  status,
  money: money(cents),
  ...over,
})

describe('ledger plan', () => {
  it('creates a new conversion with its first history step', () => {
    const plan = planBatch([report({ postbackLogId: 5 })], [], clicks, new Set())
    expect(plan.creates).toEqual([expect.objectContaining({ txnId: 'T', status: 'pending', partnerId: 7, flag: null, money: money(1000) })])
    expect(plan.history).toEqual([
      {
        entry: { create: 0 },
        fromStatus: null,
        toStatus: 'pending',
        networkWord: 'pending',
        amountCents: 1000,
        source: 'postback',
        postbackLogId: 5,
      },
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
      [existing(42, 'pending')],
      clicks,
      new Set(),
    )
    expect(plan.creates).toEqual([])
    expect(plan.updates).toEqual([{ id: 42, from: 'pending', fromCents: 1000, to: 'reversed', money: money(0) }])
    expect(plan.results).toEqual([
      { outcome: 'updated', entry: { id: 42 }, from: 'pending', to: 'confirmed' },
      { outcome: 'updated', entry: { id: 42 }, from: 'confirmed', to: 'reversed' },
    ])
  })

  it('applies a re-approval and ignores a late pending without writing', () => {
    const plan = planBatch(
      [report({ status: 'confirmed', networkWord: 'approved', money: null }), report({ status: 'pending' })],
      [existing(9, 'rejected')],
      clicks,
      new Set(),
    )
    expect(plan.results).toEqual([
      { outcome: 'updated', entry: { id: 9 }, from: 'rejected', to: 'confirmed' },
      { outcome: 'duplicate', entry: { id: 9 }, reason: 'late pending ignored: the conversion is already confirmed' },
    ])
    expect(plan.updates).toEqual([{ id: 9, from: 'rejected', fromCents: 1000, to: 'confirmed', money: null }])
    expect(plan.history.map((h) => [h.fromStatus, h.toStatus, h.amountCents])).toEqual([['rejected', 'confirmed', null]])
  })

  it('a new conversion without an amount is rejected; the same txn on another network is another conversion', () => {
    const plan = planBatch(
      [report({ money: null }), report({ networkId: 2 })],
      [existing(1, 'pending', 1000, { txnId: 'X' })],
      clicks,
      new Set(),
    )
    expect(plan.results[0]).toEqual({
      outcome: 'rejected',
      code: 'missing_amount',
      reason: expect.stringMatching(/amount is required/) as unknown,
    })
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

const ret = (cents: number, originalAmount = (cents / 100).toFixed(2), currency = 'EUR', rate = '1'): EurAmount => ({
  cents,
  originalAmount,
  currency,
  rate,
})

describe('ledger lifecycle (pure)', () => {
  const pairs = CONVERSION_STATUSES.flatMap((from) => CONVERSION_STATUSES.map((to) => [from, to] as const))

  it.each(pairs)('%s → %s: applied, a repeat, or a late pending; never refused', (from, to) => {
    const plan = planBatch([report({ status: to, networkWord: `w-${to}`, money: null })], [existing(3, from)], clicks, new Set())
    if (from === to) expect(plan.results).toEqual([{ outcome: 'duplicate', entry: { id: 3 }, reason: null }])
    else if (to === 'pending')
      expect(plan.results).toEqual([
        { outcome: 'duplicate', entry: { id: 3 }, reason: `late pending ignored: the conversion is already ${from}` },
      ])
    else {
      expect(plan.results).toEqual([{ outcome: 'updated', entry: { id: 3 }, from, to }])
      expect(plan.updates).toEqual([{ id: 3, from, fromCents: 1000, to, money: null }])
      expect(plan.history).toEqual([
        {
          entry: { id: 3 },
          fromStatus: from,
          toStatus: to,
          networkWord: `w-${to}`,
          amountCents: null,
          source: 'postback',
          postbackLogId: null,
        },
      ])
      return
    }
    expect([plan.updates, plan.history, plan.creates]).toEqual([[], [], []])
  })

  it('same status and same amount is a duplicate; the same figure written otherwise too', () => {
    const entry = { status: 'confirmed' as const, money: ret(1250, '12.50') }
    expect(decideReport(entry, { status: 'confirmed', money: ret(1250, '12.5') })).toEqual({ kind: 'duplicate', reason: null })
    expect(decideReport(entry, { status: 'confirmed', money: null })).toEqual({ kind: 'duplicate', reason: null })
    // The same figure in its currency is the same amount, even if the rate moved since.
    const usd = { status: 'confirmed' as const, money: ret(920, '10.00', 'USD', '0.92') }
    expect(decideReport(usd, { status: 'confirmed', money: ret(930, '10', 'USD', '0.93') })).toEqual({ kind: 'duplicate', reason: null })
    expect(sameAmount({ cents: 500, originalAmount: null, currency: null, rate: null }, ret(500))).toBe(true)
  })

  it('a new amount corrects the entry, whatever the status; the history keeps both', () => {
    const plan = planBatch(
      [
        report({ status: 'confirmed', networkWord: 'modified', money: ret(1500) }),
        report({ status: 'reversed', networkWord: 'reversed', money: ret(1400) }),
      ],
      [existing(4, 'confirmed')],
      clicks,
      new Set(),
    )
    expect(plan.results).toEqual([
      { outcome: 'updated', entry: { id: 4 }, from: 'confirmed', to: 'confirmed' },
      { outcome: 'updated', entry: { id: 4 }, from: 'confirmed', to: 'reversed' },
    ])
    expect(plan.updates).toEqual([{ id: 4, from: 'confirmed', fromCents: 1000, to: 'reversed', money: ret(1400) }])
    expect(plan.history.map((h) => [h.toStatus, h.networkWord, h.amountCents])).toEqual([
      ['confirmed', 'modified', 1500],
      ['reversed', 'reversed', 1400],
    ])
  })

  it('a negative amount is a partial return: the entry decreases, never below 0', () => {
    const plan = planBatch(
      [
        report({ status: 'confirmed', networkWord: 'return', money: ret(-300, '-3.00') }),
        report({ status: 'confirmed', networkWord: 'return', money: ret(-5000, '-50.00') }),
      ],
      [existing(5, 'confirmed', 1000, { lastChange: { toStatus: 'confirmed', amountCents: 1000 } })],
      clicks,
      new Set(),
    )
    expect(plan.results.map((r) => r.outcome)).toEqual(['updated', 'updated'])
    expect(plan.updates).toEqual([
      {
        id: 5,
        from: 'confirmed',
        fromCents: 1000,
        to: 'confirmed',
        money: { cents: 0, originalAmount: '0.00', currency: 'EUR', rate: '1' },
      },
    ])
    expect(plan.history.map((h) => h.amountCents)).toEqual([-300, -5000])
    expect(afterReturn(money(1000), ret(-300, '-3.00'))).toEqual({ cents: 700, originalAmount: '7.00', currency: 'EUR', rate: '1' })
    // In another currency than the sale's: the cents move, the original figure stays.
    expect(afterReturn({ cents: 920, originalAmount: '10.00', currency: 'USD', rate: '0.92' }, ret(-100, '-1.00'))).toEqual({
      cents: 820,
      originalAmount: '10.00',
      currency: 'USD',
      rate: '0.92',
    })
  })

  it('a return repeating the entry last step is the network retrying it, not a second return', () => {
    const plan = planBatch(
      [report({ status: 'confirmed', networkWord: 'return', money: ret(-300, '-3.00') })],
      [existing(6, 'confirmed', 700, { lastChange: { toStatus: 'confirmed', amountCents: -300 } })],
      clicks,
      new Set(),
    )
    expect(plan.results).toEqual([{ outcome: 'duplicate', entry: { id: 6 }, reason: null }])
    expect([plan.updates, plan.history]).toEqual([[], []])
    // The same in one batch: the second of two identical returns is the retry.
    const batch = planBatch(
      [report({ money: ret(-300, '-3.00') }), report({ money: ret(-300, '-3.00') })],
      [existing(7, 'pending', 1000, { lastChange: null })],
      clicks,
      new Set(),
    )
    expect(batch.results.map((r) => r.outcome)).toEqual(['updated', 'duplicate'])
    expect(batch.updates).toEqual([{ id: 7, from: 'pending', fromCents: 1000, to: 'pending', money: ret(700, '7.00') }])
  })

  it('a late pending changes nothing, even with an amount', () => {
    expect(decideReport({ status: 'confirmed', money: money(1000) }, { status: 'pending', money: ret(2000) })).toEqual({
      kind: 'duplicate',
      reason: 'late pending ignored: the conversion is already confirmed',
    })
  })

  it('a return on an unknown conversion is refused; a sale then its return in one batch is applied', () => {
    const plan = planBatch([report({ txnId: 'U', money: ret(-100, '-1.00') })], [], clicks, new Set())
    expect(plan.results).toEqual([
      {
        outcome: 'rejected',
        code: 'return_without_conversion',
        reason: expect.stringMatching(/negative amount for an unknown conversion/) as unknown,
      },
    ])
    expect(plan.creates).toEqual([])
    const both = planBatch([report({ txnId: 'S' }), report({ txnId: 'S', money: ret(-250, '-2.50') })], [], clicks, new Set())
    expect(both.results.map((r) => r.outcome)).toEqual(['accepted', 'updated'])
    expect(both.creates).toEqual([expect.objectContaining({ money: { cents: 750, originalAmount: '7.50', currency: 'EUR', rate: '1' } })])
  })

  it('a replayed report is recorded as a replay', () => {
    const plan = planBatch([report({ replayedAt: new Date() })], [], clicks, new Set())
    expect(plan.history[0]!.source).toBe('replay')
  })
})
