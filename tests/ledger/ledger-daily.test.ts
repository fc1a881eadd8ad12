// The ledger's daily totals (ledger_daily + ledger_deltas, kept by the
// migration's triggers) always equal the entries grouped by day, type and status,
// whatever writes them (ORM, raw SQL, batches, updates that move an entry to
// another status, amount or day, deletes, truncation), before and after folding.
import { beforeEach, expect, it } from 'vitest'
import type { Db } from '../../src/db/client.ts'
import { dailyTotal, dailyTotalsByDay, foldLedgerDeltas } from '../../src/ledger/ledger-daily.ts'
import { ledgerBalance, ledgerBalances } from '../../src/ledger/balances.ts'
import { prng } from '../../src/demo/demo-data.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000

/** The truth: entries grouped by UTC day, type and status; revenue is the amount where an entry stores none. */
async function grouped(db: Db): Promise<Map<string, { entries: number; cents: number; revenueCents: number }>> {
  const entries = await db.walletEntry.findMany({
    select: { type: true, status: true, amountCents: true, revenueCents: true, createdAt: true },
  })
  const out = new Map<string, { entries: number; cents: number; revenueCents: number }>()
  for (const e of entries) {
    const key = `${Math.floor(e.createdAt.getTime() / DAY) * DAY}|${e.type}|${e.status}`
    const g = out.get(key) ?? { entries: 0, cents: 0, revenueCents: 0 }
    g.entries++
    g.cents += e.amountCents
    g.revenueCents += e.revenueCents ?? e.amountCents
    out.set(key, g)
  }
  return out
}

/** The rollup as readers see it, without zero rows. */
async function rollup(db: Db): Promise<Map<string, { entries: number; cents: number; revenueCents: number }>> {
  const out = new Map<string, { entries: number; cents: number; revenueCents: number }>()
  for (const type of ['conversion', 'payout', 'adjustment']) {
    for (const status of ['pending', 'confirmed', 'rejected', 'reversed', 'paid']) {
      for (const [day, t] of await dailyTotalsByDay(db, type, status, new Date(0), new Date(Date.UTC(2100, 0, 1)))) {
        if (t.entries !== 0 || t.cents !== 0 || t.revenueCents !== 0) out.set(`${day}|${type}|${status}`, t)
      }
    }
  }
  return out
}

describeEachDatabase('ledger daily totals', (t, provider) => {
  beforeEach(async () => truncateAll(t().db, provider))

  it('follow every kind of write, and folding changes nothing readers see', async () => {
    const { db } = t()
    const rnd = prng(11)
    const p = (await db.partner.create({ data: { name: 'P' } })).id
    const base = Date.parse('2026-05-01T00:00:00Z')
    const statuses = ['pending', 'confirmed', 'rejected', 'reversed']
    // Batches (createMany), single creates, raw multi-row inserts.
    await db.walletEntry.createMany({
      data: Array.from({ length: 300 }, (_, i) => ({
        partnerId: p,
        type: 'conversion',
        status: rnd.pick(statuses),
        amountCents: rnd.int(1, 9_999),
        txnId: `m${i}`,
        createdAt: new Date(base + rnd.int(0, 20 * DAY)),
      })),
    })
    for (let i = 0; i < 20; i++) {
      await db.walletEntry.create({
        data: {
          partnerId: p,
          type: rnd.chance(0.5) ? 'payout' : 'adjustment',
          status: rnd.chance(0.5) ? 'paid' : 'confirmed',
          amountCents: -rnd.int(1, 5_000),
          createdAt: new Date(base + rnd.int(0, 20 * DAY)),
        },
      })
    }
    const at = new Date(base + 3 * DAY - 1)
    await db.$executeRaw`INSERT INTO wallet_entries (partner_id, type, status, amount_cents, txn_id, created_at, updated_at)
      VALUES (${p}, 'conversion', 'confirmed', 111, 'raw1', ${at}, ${at}), (${p}, 'conversion', 'pending', 222, 'raw2', ${at}, ${at})`
    expect(await rollup(db)).toEqual(await grouped(db))

    // Status changes (one by one and in bulk), amount changes, a move to another day, an update of nothing that counts.
    const some = await db.walletEntry.findMany({ where: { type: 'conversion' }, take: 60, orderBy: { id: 'asc' } })
    for (const e of some.slice(0, 20))
      await db.walletEntry.updateMany({ where: { id: e.id }, data: { status: 'confirmed', amountCents: e.amountCents + 1 } })
    await db.walletEntry.updateMany({ where: { id: { in: some.slice(20, 40).map((e) => e.id) } }, data: { status: 'reversed' } })
    await db.walletEntry.update({ where: { id: some[40]!.id }, data: { createdAt: new Date(base + 25 * DAY) } })
    await db.walletEntry.updateMany({ where: { id: { in: some.slice(41, 50).map((e) => e.id) } }, data: { flag: 'unknown_click' } })
    await db.$executeRaw`UPDATE wallet_entries SET status = 'rejected' WHERE txn_id = 'raw2'`
    expect(await rollup(db)).toEqual(await grouped(db))

    // Deletes, inside a transaction with other writes.
    await db.$transaction(async (tx) => {
      await tx.walletEntry.deleteMany({ where: { id: { in: some.slice(50, 60).map((e) => e.id) } } })
      await tx.walletEntry.create({
        data: { partnerId: p, type: 'conversion', status: 'confirmed', amountCents: 5, txnId: 'tx1', createdAt: new Date(base) },
      })
    })
    // A transaction that fails leaves the totals as they were.
    await expect(
      db.$transaction(async (tx) => {
        await tx.walletEntry.create({
          data: {
            partnerId: p,
            type: 'conversion',
            status: 'confirmed',
            amountCents: 1_000_000,
            txnId: 'rolled-back',
            createdAt: new Date(base),
          },
        })
        throw new Error('abort')
      }),
    ).rejects.toThrow('abort')
    const truth = await grouped(db)
    expect(await rollup(db)).toEqual(truth)

    const folded = await foldLedgerDeltas(db, provider)
    if (provider === 'postgresql') expect(folded).toBeGreaterThan(0)
    expect(await db.ledgerDelta.count()).toBe(0)
    expect(await rollup(db)).toEqual(truth)
    expect(await foldLedgerDeltas(db, provider)).toBe(0)
  })

  it('folds in several batches and alongside concurrent writers without losing a cent', async () => {
    const { db } = t()
    const p = (await db.partner.create({ data: { name: 'P' } })).id
    const day = new Date('2026-05-03T10:00:00Z')
    let n = 0
    const write = async () => {
      for (let i = 0; i < 30; i++)
        await db.walletEntry.create({
          data: { partnerId: p, type: 'conversion', status: 'confirmed', amountCents: 100, txnId: `c${++n}`, createdAt: day },
        })
    }
    const fold = async () => {
      for (let i = 0; i < 10; i++) await foldLedgerDeltas(db, provider, 7)
    }
    await Promise.all([write(), write(), fold(), fold()])
    await foldLedgerDeltas(db, provider, 7)
    expect(await dailyTotal(db, 'conversion', 'confirmed')).toEqual({ entries: 60, cents: 6_000, revenueCents: 6_000 })
    expect(await dailyTotal(db, 'conversion', 'confirmed', new Date('2026-05-04T00:00:00Z'))).toEqual({
      entries: 0,
      cents: 0,
      revenueCents: 0,
    })
  })

  it('gives the global balance from the totals, equal to the sums of the entries at any instant', async () => {
    const { db } = t()
    const rnd = prng(5)
    const p = (await db.partner.create({ data: { name: 'P' } })).id
    const base = Date.parse('2026-05-01T00:00:00Z')
    const rules = { reservePct: 0.3, releaseDays: 30 }
    const instants = [base + 31 * DAY, base + 40 * DAY + 5 * 3_600_000 + 17, base + 45 * DAY + 23 * 3_600_000]
    const data = Array.from({ length: 200 }, (_, i) => ({
      partnerId: p,
      type: 'conversion',
      status: rnd.chance(0.7) ? 'confirmed' : 'pending',
      amountCents: rnd.int(1, 9_999),
      txnId: `g${i}`,
      createdAt: new Date(base + rnd.int(0, 46 * DAY)),
    }))
    for (const now of instants)
      for (const d of [-1, 0, 1])
        data.push({
          partnerId: p,
          type: 'conversion',
          status: 'confirmed',
          amountCents: rnd.int(1, 999),
          txnId: `e${data.length}`,
          createdAt: new Date(now - 30 * DAY + d),
        })
    await db.walletEntry.createMany({ data })
    await db.walletEntry.create({
      data: { partnerId: p, type: 'payout', status: 'paid', amountCents: -2_500, createdAt: new Date(base + 20 * DAY) },
    })
    for (const now of instants) {
      // The partner's balance comes from its entries: with a single partner it is the global truth.
      expect(await ledgerBalance(db, rules, { now: new Date(now) })).toEqual(
        await ledgerBalance(db, rules, { partnerId: p, now: new Date(now) }),
      )
    }
  })

  it("gives several partners' balances at once, equal to each one's", async () => {
    const { db } = t()
    const rnd = prng(9)
    const rules = { reservePct: 0.3, releaseDays: 30 }
    const now = new Date('2026-06-15T12:00:00Z')
    const ids: number[] = []
    for (let i = 0; i < 6; i++) ids.push((await db.partner.create({ data: { name: `P${i}` } })).id)
    const types = [
      ['conversion', 'confirmed'],
      ['conversion', 'pending'],
      ['conversion', 'reversed'],
      ['payout', 'paid'],
      ['adjustment', 'confirmed'],
    ] as const
    await db.walletEntry.createMany({
      data: Array.from({ length: 400 }, (_, i) => {
        const [type, status] = rnd.pick(types)
        return {
          partnerId: rnd.pick(ids.slice(0, 5)),
          type,
          status,
          amountCents: type === 'payout' ? -rnd.int(1, 999) : rnd.int(1, 9_999),
          txnId: `b${i}`,
          createdAt: new Date(now.getTime() - rnd.int(0, 60 * DAY)),
        }
      }),
    })
    const all = await ledgerBalances(db, rules, [...ids, ids[0]!], now)
    expect([...all.keys()]).toEqual(ids)
    for (const id of ids) expect(all.get(id), `partner ${id}`).toEqual(await ledgerBalance(db, rules, { partnerId: id, now }))
    expect(all.get(ids[5]!)).toEqual({ confirmedCents: 0, reservedCents: 0, paidCents: 0, availableCents: 0, owedCents: 0 })
  })
})
