// GET /p/api/summary and the overview on both databases: for two partners, the
// balance figures are the ledger's (the same function as the console's partner
// page) and the 30-day figures are what their clicks and entries say.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { ledgerBalance, ledgerRulesOf } from '../../src/ledger/balances.ts'
import { dayStart } from '../../src/time.ts'
import { buildTestApp } from '../helpers/app.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { PortalSession } from './portal-session.ts'

const DAY = 86_400_000

describeEachDatabase('portal summary', (t) => {
  let app: FastifyInstance
  let a = 0
  let b = 0

  beforeAll(async () => {
    app = await buildTestApp(t())
    const { db } = t()
    const now = Date.now()
    a = (await db.partner.create({ data: { name: 'Alice' } })).id
    b = (await db.partner.create({ data: { name: 'Bruno' } })).id
    const entry = (partnerId: number, type: string, status: string, amountCents: number, ageDays: number, txnId: string | null = null) =>
      db.walletEntry.create({ data: { partnerId, type, status, amountCents, txnId, createdAt: new Date(now - ageDays * DAY) } })
    await entry(a, 'conversion', 'confirmed', 10_000, 40, 'a1')
    await entry(a, 'conversion', 'confirmed', 5_000, 2, 'a2')
    await entry(a, 'conversion', 'pending', 2_000, 0, 'a3')
    await entry(a, 'conversion', 'rejected', 700, 0, 'a4')
    await entry(a, 'payout', 'paid', -3_000, 10)
    await entry(b, 'conversion', 'confirmed', 20_000, 60, 'b1')
    await entry(b, 'conversion', 'reversed', 4_000, 5, 'b2')
    await entry(b, 'payout', 'paid', -25_000, 20)
    // Click earnings (CPC terms) are earnings, not conversions.
    await entry(b, 'click_earnings', 'confirmed', 300, 0)
    const today = dayStart(new Date()).getTime()
    const clicks = (partnerId: number, ageDays: number, count: number) =>
      db.clickRollup.create({ data: { day: new Date(today - ageDays * DAY), partnerId, kind: 'click', count } })
    await clicks(a, 0, 5)
    await clicks(a, 3, 7)
    await clicks(a, 29, 1)
    await clicks(a, 30, 100)
    await clicks(b, 0, 11)
    await db.clickRollup.create({ data: { day: new Date(today), partnerId: b, kind: 'bot', count: 50 } })
  })
  afterAll(async () => app.close())

  it('equals the ledger’s balance and the 30 days’ clicks, conversions and earnings, for each partner', async () => {
    const rules = ledgerRulesOf(app.config)
    const expected = {
      [a]: { clicks30d: 13, conversions30d: 2, earnings30dCents: 5_000 },
      [b]: { clicks30d: 11, conversions30d: 0, earnings30dCents: 300 },
    }
    for (const id of [a, b]) {
      const s = new PortalSession(app)
      await s.signInAs(app, id)
      const res = await s.request({ method: 'GET', url: '/p/api/summary', headers: { accept: 'application/json' } })
      expect(res.statusCode).toBe(200)
      const balance = await ledgerBalance(t().db, rules, { partnerId: id })
      expect(res.json()).toEqual({
        availableCents: balance.availableCents,
        reservedCents: balance.reservedCents,
        paidCents: balance.paidCents,
        owedCents: balance.owedCents,
        ...expected[id],
      })
    }
    // The figures themselves, so the test does not only compare a function with itself:
    // € 200,00 confirmed + € 3,00 click earnings − € 0,90 reserved (30 % of the recent € 3,00) − € 250,00 paid.
    const s = new PortalSession(app)
    await s.signInAs(app, b)
    expect((await s.request({ method: 'GET', url: '/p/api/summary' })).json()).toMatchObject({
      availableCents: 0,
      paidCents: 25_000,
      owedCents: 4_790,
    })
  })

  it('the overview shows the four balances and the 30-day figures in French, with the charts', async () => {
    const s = new PortalSession(app)
    await s.signInAs(app, a)
    const page = await s.get('/p')
    const figure = (name: string) => new RegExp(`data-figure="${name}">([^<]*)<`).exec(page.body)?.[1]?.replace(/\s/gu, ' ')
    // 150,00 confirmed − 15,00 reserve (30 % of the recent 50,00) − 30,00 paid.
    expect(figure('available')).toBe('€ 105,00')
    expect(figure('reserved')).toBe('€ 15,00')
    expect(figure('paid')).toBe('€ 30,00')
    expect(figure('owed')).toBe('€ 0,00')
    expect(figure('clicks30d')).toBe('13')
    expect(figure('conversions30d')).toBe('2')
    expect(figure('earnings30d')).toBe('€ 50,00')
    expect(page.body).toContain('Clics par jour, 30 derniers jours (UTC)')
    expect(page.body).toContain('<svg')
  })
})
