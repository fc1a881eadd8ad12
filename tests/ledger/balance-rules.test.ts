import { describe, expect, it } from 'vitest'
import { balanceFrom, shareOfCents } from '../../src/ledger/balance-rules.ts'

const rules = { reservePct: 0.3, releaseDays: 30 }

describe('ledger rules', () => {
  it('reserves 30 % of recent confirmed revenue and subtracts payouts', () => {
    // 100.00 confirmed, of which 40.00 recent → 12.00 reserved; 50.00 paid → 38.00 available
    expect(balanceFrom({ confirmedCents: 10_000, recentConfirmedCents: 4_000, paidEntriesCents: -5_000 }, rules)).toEqual({
      confirmedCents: 10_000,
      reservedCents: 1_200,
      paidCents: 5_000,
      availableCents: 3_800,
      owedCents: 0,
    })
  })

  it('never shows a negative available balance: the difference is owed', () => {
    // 10.00 confirmed, 3.00 reserved, 9.00 paid: nothing available, 2.00 owed back.
    expect(balanceFrom({ confirmedCents: 1_000, recentConfirmedCents: 1_000, paidEntriesCents: -900 }, rules)).toMatchObject({
      availableCents: 0,
      owedCents: 200,
    })
  })

  it('rounds the reserve half up to the cent, without float drift', () => {
    expect(shareOfCents(1_005, 0.3)).toBe(302) // 301.5 → 302 (0.3 × 1005 in floats is 301.4999…)
    expect(shareOfCents(1_001, 0.3)).toBe(300) // 300.3 → 300
    expect(shareOfCents(0, 0.3)).toBe(0)
    expect(shareOfCents(12_345, 0)).toBe(0)
    expect(shareOfCents(12_345, 1)).toBe(12_345)
  })
})
