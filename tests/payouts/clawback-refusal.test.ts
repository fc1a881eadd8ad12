// A partner who owes money back (DESIGN.md "À récupérer": reversed after it was
// paid) gets no payout until the debt is recovered: requesting or approving one
// is a 409 whose one-line reason names the debt, in the admin API and, as the
// flash of the form, on the ops payout page; the balance API, the partner page
// and the queue of payouts to validate show what is owed.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { formatCents } from '../../src/format/money.ts'

const OWED_REASON = (partnerId: number, cents: number) =>
  `partenaire #${partnerId} : ${formatCents(cents)} à récupérer, aucun payout avant remboursement`

describeEachDatabase('payouts refused while a partner owes money back', (t) => {
  let app: FastifyInstance
  let partnerId = 0
  let pendingId = 0

  const api = (method: 'POST' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
  const ok = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await api(method, url, payload)
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { PAYOUT_RESERVE_PCT: '0' })
    partnerId = (await ok('POST', '/partners', { name: 'Noé' })).id as number
    // 100,00 € earned, 80,00 € paid out, 10,00 € requested; then 50,00 € taken back: 30,00 € owed.
    await ok('POST', `/partners/${partnerId}/adjustments`, { amountCents: 10_000, reason: 'commission' })
    const paid = (await ok('POST', '/payouts', { partnerId, amountCents: 8_000 })).id as number
    await ok('POST', `/payouts/${paid}/approve`)
    await ok('POST', `/payouts/${paid}/pay`, { reference: 'VIR-1' })
    pendingId = (await ok('POST', '/payouts', { partnerId, amountCents: 1_000 })).id as number
    await ok('POST', `/partners/${partnerId}/adjustments`, { amountCents: -5_000, reason: 'chargeback après paiement' })
    // Another partner, who owes nothing, waits in the same queue.
    const ana = (await ok('POST', '/partners', { name: 'Ana' })).id as number
    await ok('POST', `/partners/${ana}/adjustments`, { amountCents: 2_000, reason: 'commission' })
    await ok('POST', '/payouts', { partnerId: ana, amountCents: 500 })
  })
  afterAll(async () => app.close())

  it('shows what is owed in the balance API', async () => {
    expect(await ok('GET', `/partners/${partnerId}/balance`)).toMatchObject({ availableCents: 0, owedCents: 3_000 })
  })

  it('refuses a new request and the approval of a pending one with the debt as reason', async () => {
    const request = await api('POST', '/payouts', { partnerId, amountCents: 100 })
    expect(request.statusCode).toBe(409)
    expect(request.body).toContain(OWED_REASON(partnerId, 3_000))
    const approve = await api('POST', `/payouts/${pendingId}/approve`)
    expect(approve.statusCode).toBe(409)
    expect(approve.body).toContain(OWED_REASON(partnerId, 3_000))
    expect((await ok('GET', `/payouts?partner=${partnerId}`)).payouts).toHaveLength(2)
  })

  it('says so on the ops payout page when the approval form is sent', async () => {
    const session = new ConsoleSession(app)
    await session.login({ name: 'Ops', role: 'ops' })
    const res = await session.submit('/ops/payouts/pending', `/ops/payouts/${pendingId}/approve`, {})
    expect(res.statusCode).toBe(303)
    const page = await session.get('/ops/payouts/pending')
    expect(page.body).toContain(OWED_REASON(partnerId, 3_000))
    expect((await ok('GET', `/payouts?partner=${partnerId}`)).payouts).toContainEqual(
      expect.objectContaining({ id: pendingId, status: 'requested' }),
    )
  })

  it('shows the debt on the partner page and, for that partner, on the queue of payouts to validate', async () => {
    const session = new ConsoleSession(app)
    await session.login({ name: 'Ops page', role: 'ops' })
    const partnerPage = await session.get(`/admin/partners/${partnerId}`)
    expect(partnerPage.statusCode).toBe(200)
    expect(partnerPage.body).toContain('<b>À récupérer</b>')
    expect(partnerPage.body).toContain(`<div class="big" data-figure="partner_owed">${formatCents(3_000)}</div>`)
    const queue = await session.get('/ops/payouts/pending')
    expect(queue.body).toContain(`À récupérer <b class="bad" data-owed="3000">${formatCents(3_000)}</b>`)
    expect(queue.body).toContain(`${formatCents(3_000)} à récupérer : aucun payout avant remboursement`)
    expect(queue.body.match(/data-owed=/g)).toHaveLength(1)
  })

  it('pays again once the debt is recovered from new earnings', async () => {
    await ok('POST', `/partners/${partnerId}/adjustments`, { amountCents: 4_000, reason: 'nouvelles commissions' })
    expect(await ok('GET', `/partners/${partnerId}/balance`)).toMatchObject({ availableCents: 1_000, owedCents: 0 })
    expect(await ok('POST', `/payouts/${pendingId}/approve`)).toMatchObject({ status: 'approved' })
  })
})
