import { beforeAll, expect, it } from 'vitest'
import { ledgerBalance } from '../../src/ledger/balances.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000
const now = new Date('2026-06-15T12:00:00.000Z')
const ago = (ms: number) => new Date(now.getTime() - ms)
const rules = { reservePct: 0.3, releaseDays: 30 }

describeEachDatabase('ledger balances', (t) => {
  let alice = 0
  let bob = 0

  beforeAll(async () => {
    const { db } = t()
    alice = (await db.partner.create({ data: { name: 'Alice' } })).id
    bob = (await db.partner.create({ data: { name: 'Bob' } })).id
    let txn = 0
    const conv = (partnerId: number, status: string, amountCents: number, createdAt: Date) =>
      db.walletEntry.create({
        data: { partnerId, type: 'conversion', status, amountCents, txnId: `t${++txn}`, createdAt },
      })
    // Alice
    await conv(alice, 'confirmed', 10_000, ago(30 * DAY)) // exactly 30 days old: released, not reserved
    await conv(alice, 'confirmed', 2_000, ago(30 * DAY - 1)) // 1 ms younger: reserved
    await conv(alice, 'confirmed', 1_005, ago(7 * DAY)) // exactly 7 days old: reserved
    await conv(alice, 'pending', 9_999, ago(DAY)) // not confirmed: counts nowhere
    await conv(alice, 'rejected', 8_888, ago(DAY))
    await conv(alice, 'reversed', 7_777, ago(40 * DAY))
    await db.walletEntry.create({
      data: { partnerId: alice, type: 'payout', status: 'paid', amountCents: -3_000, createdAt: ago(2 * DAY) },
    })
    // Bob
    await conv(bob, 'confirmed', 500, ago(60 * DAY))
    await db.walletEntry.create({ data: { partnerId: bob, type: 'payout', status: 'paid', amountCents: -700, createdAt: ago(DAY) } })
    // An adjustment (a decision): counted in Bob's confirmed money, never reserved, not in the global figures.
    await db.walletEntry.create({
      data: { partnerId: bob, type: 'adjustment', status: 'confirmed', amountCents: -4_000, createdAt: ago(DAY) },
    })
  })

  it("gives a partner's balance with the 30-day boundary exact", async () => {
    // confirmed 10000+2000+1005 = 13005; reserved 30 % of (2000+1005) = 901.5 → 902; paid 3000
    expect(await ledgerBalance(t().db, rules, { partnerId: alice, now })).toEqual({
      confirmedCents: 13_005,
      reservedCents: 902,
      paidCents: 3_000,
      availableCents: 13_005 - 902 - 3_000,
      owedCents: 0,
    })
  })

  it('clamps an overpaid partner at zero available, and shows what it owes', async () => {
    // confirmed 500 − 4000 (adjustment) = −3500; paid 700; owed 3500 + 700
    expect(await ledgerBalance(t().db, rules, { partnerId: bob, now })).toEqual({
      confirmedCents: -3_500,
      reservedCents: 0,
      paidCents: 700,
      availableCents: 0,
      owedCents: 4_200,
    })
  })

  it('gives the global balance with the same rules', async () => {
    // confirmed 13505; reserved 902; paid 3700; available 13505 − 902 − 3700
    expect(await ledgerBalance(t().db, rules, { now })).toEqual({
      confirmedCents: 13_505,
      reservedCents: 902,
      paidCents: 3_700,
      availableCents: 8_903,
      owedCents: 0,
    })
  })

  it('releases an entry once it is older than the release period', async () => {
    const later = new Date(now.getTime() + 1)
    const b = await ledgerBalance(t().db, rules, { partnerId: alice, now: later })
    // the 30d−1ms entry is now exactly 30 days old: released; only 1005 stays reserved (301.5 → 302)
    expect(b.reservedCents).toBe(302)
  })
})
