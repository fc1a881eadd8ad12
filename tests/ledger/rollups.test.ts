// The per-partner daily rollup (ledger_partner_daily) against the raw entries, on
// both databases: after inserts, status and amount corrections, a conversion
// moved to another partner, assignment or day, and deletes; on PostgreSQL both
// before and after the deltas are folded. And every partner's balance from it
// against the partner's own entries, for release cutoffs on every side of midnight.
import { beforeEach, expect, it } from 'vitest'
import { conversionFiguresByDay, everyPartnerBalance, ledgerRecoveries, recentSplit } from '../../src/ledger/rollups.ts'
import { ledgerBalances } from '../../src/ledger/balances.ts'
import { foldLedgerDeltas } from '../../src/ledger/ledger-daily.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import type { Db } from '../../src/db/client.ts'

const DAY = 24 * 60 * 60 * 1000
const rules = { reservePct: 0.3, releaseDays: 30 }

/** The rows conversionFiguresByDay must give, grouped from the raw entries in JavaScript. */
async function rawFigures(db: Db, from: Date, to: Date, types = ['conversion']) {
  const entries = await db.walletEntry.findMany({ where: { createdAt: { gte: from, lt: to }, type: { in: types } } })
  const cells = new Map<
    string,
    {
      day: Date
      partnerId: number | null
      assignmentId: number | null
      networkId: number | null
      type: string
      status: string
      entries: number
      amountCents: number
    }
  >()
  for (const e of entries) {
    const day = new Date(Math.floor(e.createdAt.getTime() / DAY) * DAY)
    const key = [day.getTime(), e.partnerId ?? 0, e.assignmentId ?? 0, e.networkId ?? 0, e.type, e.status].join('|')
    const cell = cells.get(key) ?? {
      day,
      partnerId: e.partnerId,
      assignmentId: e.assignmentId,
      networkId: e.networkId,
      type: e.type,
      status: e.status,
      entries: 0,
      amountCents: 0,
    }
    cell.entries += 1
    cell.amountCents += e.amountCents
    cells.set(key, cell)
  }
  const key = (c: {
    day: Date
    partnerId: number | null
    assignmentId: number | null
    networkId: number | null
    type: string
    status: string
  }) => [String(c.day.getTime()).padStart(15, '0'), c.partnerId ?? 0, c.assignmentId ?? 0, c.networkId ?? 0, c.type, c.status].join('|')
  return [...cells.values()].sort((a, b) => (key(a) < key(b) ? -1 : 1))
}

const sorted = <
  T extends { day: Date; partnerId: number | null; assignmentId: number | null; networkId: number | null; type: string; status: string },
>(
  rows: T[],
) =>
  [...rows].sort((a, b) => {
    const k = (c: T) =>
      [String(c.day.getTime()).padStart(15, '0'), c.partnerId ?? 0, c.assignmentId ?? 0, c.networkId ?? 0, c.type, c.status].join('|')
    return k(a) < k(b) ? -1 : 1
  })

describeEachDatabase('ledger rollup per partner', (t, provider) => {
  beforeEach(async () => truncateAll(t().db, provider))

  it('equals the raw entries after every kind of change, folded or not', async () => {
    const { db, database } = t()
    const now = new Date()
    const network = await db.network.create({ data: { slug: 'n1', name: 'N1' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'O', url: 'https://a.example/' } })
    const [a, b] = [await db.partner.create({ data: { name: 'A' } }), await db.partner.create({ data: { name: 'B' } })]
    const aa = await db.assignment.create({ data: { partnerId: a.id, offerId: offer.id, code: 'aa' } })
    const ba = await db.assignment.create({ data: { partnerId: b.id, offerId: offer.id, code: 'ba' } })
    const at = (days: number) => new Date(now.getTime() - days * DAY)
    const conv = (
      txnId: string,
      partnerId: number | null,
      assignmentId: number | null,
      status: string,
      amountCents: number,
      days: number,
    ) =>
      db.walletEntry.create({
        data: { partnerId, assignmentId, networkId: network.id, type: 'conversion', status, amountCents, txnId, createdAt: at(days) },
      })
    const c1 = await conv('c1', a.id, aa.id, 'confirmed', 1_000, 2)
    const c2 = await conv('c2', a.id, aa.id, 'pending', 2_500, 2)
    const c3 = await conv('c3', null, null, 'confirmed', 700, 40)
    const c4 = await conv('c4', b.id, ba.id, 'confirmed', 300, 0)
    await db.walletEntry.create({ data: { partnerId: b.id, type: 'adjustment', status: 'confirmed', amountCents: -150, createdAt: at(1) } })
    // Corrections: status, amount, the unattributed one assigned, one moved to another day, one deleted.
    await db.walletEntry.update({ where: { id: c2.id }, data: { status: 'confirmed' } })
    await db.walletEntry.update({ where: { id: c1.id }, data: { amountCents: 400 } })
    await db.walletEntry.update({ where: { id: c3.id }, data: { partnerId: b.id, assignmentId: ba.id } })
    await db.walletEntry.update({ where: { id: c4.id }, data: { createdAt: at(3) } })
    await conv('c5', b.id, ba.id, 'rejected', 900, 5)
    await db.walletEntry.delete({ where: { id: (await db.walletEntry.findFirstOrThrow({ where: { txnId: 'c5' } })).id } })
    await db.walletEntry.updateMany({ where: { txnId: { in: ['c1', 'c4'] } }, data: { status: 'reversed' } })

    const from = at(60)
    const to = new Date(now.getTime() + DAY)
    const expected = await rawFigures(db, new Date(Math.floor(from.getTime() / DAY) * DAY), to)
    expect(expected.length).toBeGreaterThan(2)
    expect(sorted(await conversionFiguresByDay(database, { from, to }))).toEqual(expected)
    // Adjustments on request; nothing of B's assignment is left under no partner.
    const withAdjustments = await conversionFiguresByDay(database, { from, to, types: ['conversion', 'adjustment'] })
    expect(withAdjustments.filter((r) => r.type === 'adjustment')).toEqual([
      expect.objectContaining({ partnerId: b.id, assignmentId: null, networkId: null, entries: 1, amountCents: -150 }),
    ])
    expect(withAdjustments.some((r) => r.partnerId === null)).toBe(false)
    // A period of one day gives that day only.
    const day2 = new Date(Math.floor(at(2).getTime() / DAY) * DAY)
    const oneDay = await conversionFiguresByDay(database, { from: day2, to: new Date(day2.getTime() + DAY) })
    expect(oneDay).toEqual([
      expect.objectContaining({ day: day2, partnerId: a.id, assignmentId: aa.id, status: 'confirmed', entries: 1, amountCents: 2_500 }),
      expect.objectContaining({ day: day2, partnerId: a.id, assignmentId: aa.id, status: 'reversed', entries: 1, amountCents: 400 }),
    ])

    if (provider === 'postgresql') {
      expect(await foldLedgerDeltas(database.prisma, provider)).toBeGreaterThan(0)
      expect(await db.ledgerPartnerDelta.count()).toBe(0)
      expect(sorted(await conversionFiguresByDay(database, { from, to }))).toEqual(expected)
    }
  })

  it.runIf(provider === 'postgresql')('never makes a postback wait on another transaction writing the same partner and day', async () => {
    const { db, database } = t()
    const p = await db.partner.create({ data: { name: 'P' } })
    const entry = (txnId: string) => ({ partnerId: p.id, type: 'conversion', status: 'confirmed', amountCents: 1_000, txnId })
    let release!: () => void
    const held = new Promise<void>((resolve) => (release = resolve))
    let written!: () => void
    const inside = new Promise<void>((resolve) => (written = resolve))
    // A transaction that has booked an entry for P today and stays open…
    const open = db.$transaction(
      async (tx) => {
        await tx.walletEntry.create({ data: entry('held') })
        written()
        await held
      },
      { timeout: 20_000 },
    )
    await inside
    // …does not hold back another booking for P today, nor a correction moving it.
    const started = Date.now()
    const other = await db.walletEntry.create({ data: entry('free') })
    await db.walletEntry.update({ where: { id: other.id }, data: { status: 'reversed', amountCents: 400 } })
    expect(Date.now() - started).toBeLessThan(2_000)
    release()
    await open
    await foldLedgerDeltas(database.prisma, provider)
    const today = await conversionFiguresByDay(database, { from: new Date(), to: new Date() })
    expect(today.map((r) => [r.partnerId, r.status, r.entries, r.amountCents])).toEqual([
      [p.id, 'confirmed', 1, 1_000],
      [p.id, 'reversed', 1, 400],
    ])
  })

  it('gives every partner the balance its own entries give, whatever the hour of the cutoff', async () => {
    const { db, database } = t()
    const partners = await Promise.all(['A', 'B', 'C'].map((name) => db.partner.create({ data: { name } })))
    // Entries every 5 hours over 40 days, so the release cutoff's day is cut on both sides.
    const base = Math.floor(Date.now() / DAY) * DAY
    let i = 0
    for (let ms = base - 40 * DAY; ms < base; ms += 5 * 60 * 60 * 1000, i++) {
      const p = partners[i % 3]!
      await db.walletEntry.create({
        data: {
          partnerId: i % 7 === 0 ? null : p.id,
          type: 'conversion',
          status: i % 5 === 0 ? 'pending' : 'confirmed',
          amountCents: 101 + i * 37,
          txnId: `t${i}`,
          createdAt: new Date(ms),
        },
      })
    }
    await db.walletEntry.create({
      data: { partnerId: partners[0]!.id, type: 'payout', status: 'paid', amountCents: -400_000, createdAt: new Date(base - DAY) },
    })
    const ids = partners.map((p) => p.id)
    for (const hour of [0, 3, 5, 11, 12, 13, 23.99]) {
      const now = new Date(base + hour * 60 * 60 * 1000)
      const split = recentSplit(new Date(now.getTime() - rules.releaseDays * DAY))
      expect(split.edge.sign).toBe(hour >= 12 ? 1 : -1)
      const fromEntries = await ledgerBalances(db, rules, ids, now)
      const fromRollup = await everyPartnerBalance(database, rules, now)
      for (const id of ids) expect(fromRollup.get(id), `${hour} h, partner ${id}`).toEqual(fromEntries.get(id))
      const r = await ledgerRecoveries(database, rules, now)
      const owed = [...fromEntries.values()].reduce((s, b) => s + b.owedCents, 0)
      expect(owed).toBeGreaterThan(0)
      expect(r.owedCents).toBe(owed)
      expect(r.owingPartners).toBe(1)
      const none = fromRollup.get(null)!
      expect(r.unattributedCents).toBe(none.confirmedCents - none.reservedCents - none.paidCents)
      expect(none.reservedCents).toBeGreaterThan(0)
    }
  })
})
