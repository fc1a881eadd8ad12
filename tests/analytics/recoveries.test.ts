// The dashboard's "À récupérer" (Σ of what partners owe back) and "Non attribué"
// (confirmed − reserved of the money of no partner) beside Disponible, read from
// the per-partner rollup, on both databases, with the sketch's cards left as they
// are; and the Sécurité counters' links.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { formatCents } from '../../src/format/money.ts'

const DAY = 24 * 60 * 60 * 1000

describeEachDatabase('dashboard: à récupérer and non attribué', (t) => {
  let app: FastifyInstance

  const ok = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { PAYOUT_RESERVE_PCT: '0.3', PAYOUT_RELEASE_DAYS: '30' })
    // Noé: 100,00 € earned, 80,00 € paid, then 50,00 € taken back: owes 30,00 €.
    const noe = (await ok('POST', '/partners', { name: 'Noé' })).id as number
    await ok('POST', `/partners/${noe}/adjustments`, { amountCents: 10_000, reason: 'commission' })
    const paid = (await ok('POST', '/payouts', { partnerId: noe, amountCents: 8_000 })).id as number
    await ok('POST', `/payouts/${paid}/approve`)
    await ok('POST', `/payouts/${paid}/pay`, { reference: 'VIR-1' })
    await ok('POST', `/partners/${noe}/adjustments`, { amountCents: -5_000, reason: 'chargeback après paiement' })
    // Lou: owes 2,50 €.
    const lou = (await ok('POST', '/partners', { name: 'Lou' })).id as number
    await ok('POST', `/partners/${lou}/adjustments`, { amountCents: -250, reason: 'trop-perçu' })
    // Ana owes nothing: her 20,00 € do not offset the others' debts.
    const ana = (await ok('POST', '/partners', { name: 'Ana' })).id as number
    await ok('POST', `/partners/${ana}/adjustments`, { amountCents: 2_000, reason: 'commission' })
    // Conversions of no partner: 12,00 € old (released) and 10,00 € recent (30 % reserved): 19,00 €.
    const db = t().db
    for (const [txnId, amountCents, age] of [
      ['U1', 1_200, 40 * DAY],
      ['U2', 1_000, DAY],
    ] as const)
      await db.walletEntry.create({
        data: { type: 'conversion', status: 'confirmed', amountCents, txnId, createdAt: new Date(Date.now() - age) },
      })
    // Neither a rejected conversion of no partner nor a pending one counts.
    await db.walletEntry.create({ data: { type: 'conversion', status: 'rejected', amountCents: 999, txnId: 'U3' } })
    await db.walletEntry.create({ data: { type: 'conversion', status: 'pending', amountCents: 777, txnId: 'U4' } })
  })
  afterAll(async () => app.close())

  it('shows both figures on the dashboard beside Disponible, with what they mean and where to act', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    const page = await s.get('/admin/monitoring')
    expect(page.statusCode).toBe(200)
    const cards = page.body.slice(page.body.indexOf('<b>Disponible</b>'), page.body.indexOf('<b>Offre actuelle</b>'))
    expect(cards).toContain('<b>À récupérer</b>')
    expect(cards).toContain(`<div class="big" data-figure="owed">${formatCents(3_250)}</div>`)
    expect(cards).toContain('dû par <span data-figure="owing_partners">2</span> partenaires')
    expect(cards).toContain('<a href="/ops/payouts/pending">')
    expect(cards).toContain(`Non attribué: <b data-figure="unattributed">${formatCents(1_900)}</b>`)
    expect(cards).toContain('<a href="/admin/conversions?flag=unknown_partner">')
    // The one who owes is watched, and the sketch's cards are as they were.
    expect(page.body).toMatch(/<div class="card card--watch">\s*<b>À récupérer<\/b>/)
    expect(page.body).toContain('<b>Revenue 7j</b>')
  })

  it('links the Sécurité counters to the matching filtered lists', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    const page = await s.get('/admin/monitoring')
    expect(page.body).toContain('<a href="/admin/conversions?flag=any">conversions signalées</a>')
    expect(page.body).toContain('<a href="/admin/postbacks?outcome=rejected">postbacks rejetés 24h</a>')
  })
})
