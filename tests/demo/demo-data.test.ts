import { beforeAll, expect, it } from 'vitest'
import { generateDemoData, isEmpty, type DemoSummary } from '../../src/demo/demo-data.ts'
import { ledgerBalance } from '../../src/ledger/balances.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const now = new Date('2026-11-20T15:30:00.000Z')

describeEachDatabase('demo data set', (t) => {
  let summary: DemoSummary
  beforeAll(async () => {
    expect(await isEmpty(t().db)).toBe(true)
    summary = await generateDemoData(t().database, { now, days: 20, seed: 7 })
  })

  it('fills partners, networks, offers and assignments in every pipeline status', async () => {
    const { db } = t()
    expect(await isEmpty(db)).toBe(false)
    expect(summary.partners).toBe(50)
    expect(await db.network.count()).toBeGreaterThanOrEqual(3)
    const statuses = await db.assignment.groupBy({ by: ['status'], _count: true })
    expect(statuses.map((s) => s.status).sort()).toEqual(['approved', 'failed', 'pending', 'posted'])
  })

  it('records clicks and bots, all in the past, with a rollup that agrees with the events', async () => {
    const { db } = t()
    const clicks = await db.metricEvent.count({ where: { kind: 'click' } })
    const bots = await db.metricEvent.count({ where: { kind: 'bot' } })
    expect(clicks).toBeGreaterThan(10_000)
    expect(bots).toBeGreaterThan(0)
    expect(clicks + bots).toBe(summary.events)
    expect(await db.metricEvent.count({ where: { ts: { gt: now } } })).toBe(0)
    const rolled = await db.clickRollup.groupBy({ by: ['kind'], _sum: { count: true } })
    expect(Object.fromEntries(rolled.map((r) => [r.kind, Number(r._sum.count)]))).toEqual({ click: clicks, bot: bots })
  })

  it('has conversions in every status, payouts in every status and active holds', async () => {
    const { db } = t()
    const conv = await db.walletEntry.groupBy({ by: ['status'], where: { type: 'conversion' }, _count: true })
    expect(conv.map((c) => c.status).sort()).toEqual(['confirmed', 'pending', 'rejected', 'reversed'])
    const payouts = await db.payout.groupBy({ by: ['status'], _count: true })
    expect(payouts.map((p) => p.status).sort()).toEqual(['approved', 'paid', 'rejected', 'requested'])
    // every paid payout has its negative ledger entry
    const paid = await db.payout.findMany({ where: { status: 'paid' }, include: { entry: true } })
    expect(paid.every((p) => p.entry?.amountCents === -p.amountCents)).toBe(true)
    expect(await db.partnerFlag.count({ where: { flag: 'hold', clearedAt: null } })).toBe(2)
  })

  it('gives a living ledger: confirmed revenue, a reserve and payouts', async () => {
    const b = await ledgerBalance(t().db, { reservePct: 0.3, releaseDays: 30 }, { now })
    expect(b.confirmedCents).toBeGreaterThan(0)
    expect(b.reservedCents).toBeGreaterThan(0)
    expect(b.paidCents).toBeGreaterThan(0)
  })
})
