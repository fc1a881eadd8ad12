// DESIGN.md's reconciliation on random ledgers, on both databases:
//   Σ partners' available − Σ partners' à récupérer + non attribué
//     = global confirmed − reserved − paid
// to the cent, up to reserve rounding (each partner's reserve, the unattributed
// one and the global one are each rounded to a cent: at most one cent per
// partner, plus one). Confirmed money counts manual adjustments, never reserved,
// on both sides (globalNetCents, src/ledger/rollups.ts: the seed's Disponible card
// keeps the sketch's conversions-only definition, the identity does not).
import { beforeEach, expect, it } from 'vitest'
import { ledgerBalance, ledgerBalances } from '../../src/ledger/balances.ts'
import { everyPartnerBalance, globalNetCents, ledgerRecoveries } from '../../src/ledger/rollups.ts'
import { approvePayout, payPayout, requestPayout, type PayoutContext } from '../../src/payouts/payouts.ts'
import { CONVERSION_STATUSES } from '../../src/ledger/transitions.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000
const rules = { reservePct: 0.3, releaseDays: 30 }
/** The balance of a partner with no confirmed or paid entry (absent from the rollup's sums). */
const NO_MONEY = { confirmedCents: 0, reservedCents: 0, paidCents: 0, availableCents: 0, owedCents: 0 }

/** A small seeded generator (mulberry32), so that a failure can be replayed from its seed. */
function random(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let x = a
    x = Math.imul(x ^ (x >>> 15), x | 1)
    x ^= x + Math.imul(x ^ (x >>> 7), x | 61)
    return ((x ^ (x >>> 14)) >>> 0) / 4_294_967_296
  }
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1))
  return { next, int, pick: <T>(xs: readonly T[]) => xs[int(0, xs.length - 1)]! }
}

describeEachDatabase('reconciliation identity', (t, provider) => {
  beforeEach(async () => truncateAll(t().db, provider))

  for (const seed of [1, 2, 3]) {
    it(`holds on a random ledger (seed ${seed})`, async () => {
      const { db, database } = t()
      const r = random(seed)
      const now = new Date()
      const ctx: PayoutContext = { database, rules, actor: 'ops:test', now: () => now }
      let txn = 0
      const conversion = (partnerId: number | null, status = r.pick(CONVERSION_STATUSES)) =>
        db.walletEntry.create({
          data: {
            partnerId,
            type: 'conversion',
            status,
            amountCents: r.int(1, 50_000),
            txnId: `S${seed}-${++txn}`,
            // Some well past the release period, some inside it.
            createdAt: new Date(now.getTime() - r.int(0, 60 * DAY)),
          },
        })

      const partners: number[] = []
      for (let p = 0; p < 8; p++) {
        const partnerId = (await db.partner.create({ data: { name: `P${p}` } })).id
        partners.push(partnerId)
        for (let i = r.int(1, 12); i > 0; i--) await conversion(partnerId)
        for (let i = r.int(0, 2); i > 0; i--) {
          const amountCents = r.int(-3_000, 5_000) || 1
          await db.walletEntry.create({
            data: { partnerId, type: 'adjustment', status: 'confirmed', amountCents, txnId: `A${seed}-${++txn}` },
          })
        }
      }
      await conversion(null, 'confirmed')
      for (let i = r.int(3, 10); i > 0; i--) await conversion(null)

      // Pay some partners part or all of what is available…
      for (const partnerId of partners) {
        const available = (await ledgerBalance(db, rules, { partnerId, now })).availableCents
        if (available === 0 || r.next() < 0.3) continue
        const p = await requestPayout(ctx, { partnerId, amountCents: r.next() < 0.5 ? available : r.int(1, available) })
        await approvePayout(ctx, p.id)
        await payPayout(ctx, p.id, { reference: `VIR-${p.id}` })
      }
      // …then reverse some confirmed conversions, so that some of them owe money back.
      const confirmed = await db.walletEntry.findMany({
        where: { type: 'conversion', status: 'confirmed', partnerId: { not: null } },
        orderBy: { id: 'asc' },
      })
      for (const e of confirmed) if (r.next() < 0.5) await db.walletEntry.update({ where: { id: e.id }, data: { status: 'reversed' } })

      const balances = [...(await ledgerBalances(db, rules, partners, now)).values()]
      const available = balances.reduce((s, b) => s + b.availableCents, 0)
      const owed = balances.reduce((s, b) => s + b.owedCents, 0)
      const recoveries = await ledgerRecoveries(db, rules, now)
      const { owedCents, unattributedCents } = recoveries
      // The rollup's figures are each partner's own, read from its entries.
      expect(recoveries.owedCents).toBe(owed)
      expect(recoveries.owingPartners).toBe(balances.filter((b) => b.owedCents > 0).length)
      const fromRollup = await everyPartnerBalance(db, rules, now)
      expect(partners.reduce((s, id) => s + (fromRollup.get(id)?.availableCents ?? 0), 0)).toBe(available)
      for (const partnerId of partners)
        expect(fromRollup.get(partnerId) ?? NO_MONEY, `partner ${partnerId}`).toEqual(
          (await ledgerBalances(db, rules, [partnerId], now)).get(partnerId),
        )
      // The seeds are chosen so that every kind of money is there: someone owes, someone may be paid.
      expect(owed).toBeGreaterThan(0)
      expect(available).toBeGreaterThan(0)
      expect(unattributedCents).not.toBe(0)
      const left = available - owedCents + unattributedCents
      const right = await globalNetCents(db, rules, now)
      expect(Math.abs(left - right), `${left} vs ${right}`).toBeLessThanOrEqual(partners.length + 1)
    })
  }

  it('is exact on a ledger chosen so that someone owes and no reserve rounds', async () => {
    const { db, database } = t()
    const now = new Date()
    const ctx: PayoutContext = { database, rules, actor: 'ops:test', now: () => now }
    const old = new Date(now.getTime() - 40 * DAY)
    const a = (await db.partner.create({ data: { name: 'A' } })).id
    const b = (await db.partner.create({ data: { name: 'B' } })).id
    const e = await db.walletEntry.create({
      data: { partnerId: a, type: 'conversion', status: 'confirmed', amountCents: 10_000, txnId: 'a1', createdAt: old },
    })
    await db.walletEntry.create({ data: { partnerId: b, type: 'conversion', status: 'confirmed', amountCents: 1_000, txnId: 'b1' } })
    await db.walletEntry.create({ data: { partnerId: b, type: 'adjustment', status: 'confirmed', amountCents: 500, txnId: 'b2' } })
    await db.walletEntry.create({ data: { type: 'conversion', status: 'confirmed', amountCents: 2_000, txnId: 'u1' } })
    const p = await requestPayout(ctx, { partnerId: a, amountCents: 6_000 })
    await approvePayout(ctx, p.id)
    await payPayout(ctx, p.id, { reference: 'VIR-1' })
    await db.walletEntry.update({ where: { id: e.id }, data: { status: 'reversed' } })

    // A owes 60,00; B has 10,00 − 3,00 reserved + 5,00; no partner: 20,00 − 6,00 reserved.
    expect(await ledgerRecoveries(db, rules, now)).toEqual({
      owedCents: 6_000,
      owingPartners: 1,
      unattributedCents: 1_400,
    })
    const balances = await ledgerBalances(db, rules, [a, b], now)
    expect(balances.get(b)!.availableCents).toBe(1_200)
    const global = await ledgerBalance(db, rules, { now })
    // The seed's card: 30,00 confirmed conversions − 9,00 reserved − 60,00 paid = −39,00 (so Disponible 0,00)…
    expect(global.confirmedCents - global.reservedCents - global.paidCents).toBe(-3_900)
    // …and the ledger's, with B's 5,00 of adjustment confirmed at once: −34,00 = 12,00 − 60,00 + 14,00.
    expect(await globalNetCents(db, rules, now)).toBe(-3_400)
    expect(1_200 - 6_000 + 1_400).toBe(-3_400)
  })
})
