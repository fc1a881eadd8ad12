// The isolation walk, on both databases: every /p route the app registers is
// called with partner B's session and partner A's ids (conversion and payout ids,
// months with A's statement lines) in the URL and in the form, and no answer
// shows any of A's data, and none changes any of A's rows.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { setPayoutDetails } from '../../src/payouts/payout-details.ts'
import { buildTestApp } from '../helpers/app.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { PortalSession } from './portal-session.ts'

const DAY = 86_400_000
const READS = new Set(['GET', 'HEAD'])

describeEachDatabase('portal isolation walk', (t) => {
  let app: FastifyInstance
  let a = 0
  let b = 0
  const aIds = { conversion: 0, payout: 0, month: '' }

  beforeAll(async () => {
    app = await buildTestApp(t())
    const { db, database } = t()
    a = (await db.partner.create({ data: { name: 'Anaïs Secrète', email: 'anais.secrete@example.com' } })).id
    b = (await db.partner.create({ data: { name: 'Basile', email: 'basile@example.com' } })).id
    const at = new Date(Date.now() - 40 * DAY)
    aIds.month = at.toISOString().slice(0, 7)
    // Amounts no page of B's could show by chance.
    aIds.conversion = (
      await db.walletEntry.create({
        data: { partnerId: a, type: 'conversion', status: 'confirmed', amountCents: 987_654, txnId: 'anais-1', createdAt: at },
      })
    ).id
    aIds.payout = (await db.payout.create({ data: { partnerId: a, amountCents: 123_457, status: 'requested', reference: 'REF-ANAIS' } })).id
    const network = await db.network.create({ data: { slug: 'net-anais', name: 'N', postbackToken: 'x'.repeat(32) } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'Offre Anaïs', url: 'https://shop.example/a' } })
    await db.assignment.create({ data: { partnerId: a, offerId: offer.id, code: 'anaiscode01', content: 'Article d’Anaïs' } })
    await setPayoutDetails({ database, actor: 'ops:test' }, a, {
      method: 'sepa',
      iban: 'FR7630006000011234567890189',
      bic: 'BNPAFRPP',
      holder: 'Anais Secrete',
    })
    // Clicks with the partners' own sub-ids: A's must never reach B's links page.
    for (const [partnerId, s1, n] of [
      [a, 'anais-news', 3],
      [b, 'basile-news', 2],
    ] as const)
      for (let i = 0; i < n; i++)
        await db.metricEvent.create({
          data: { kind: 'click', partnerId, clickId: `c-${s1}-${i}`, s1, ts: new Date(Date.now() - i * 60_000) },
        })
    // B has a little of its own, in the same month.
    await db.walletEntry.create({
      data: { partnerId: b, type: 'conversion', status: 'confirmed', amountCents: 1_100, txnId: 'basile-1', createdAt: at },
    })
  })
  afterAll(async () => app.close())

  /** Everything of A's a route could change. */
  const aRows = async () => {
    const { db } = t()
    return JSON.stringify(
      await Promise.all([
        db.partner.findUnique({ where: { id: a } }),
        db.walletEntry.findMany({ where: { partnerId: a }, orderBy: { id: 'asc' } }),
        db.payout.findMany({ where: { partnerId: a }, orderBy: { id: 'asc' } }),
        db.assignment.findMany({ where: { partnerId: a } }),
        db.auditLog.count({ where: { subject: `partner:${a}` } }),
        db.portalSession.count({ where: { partnerId: a } }),
      ]),
    )
  }

  const A_MARKS = [
    /Anaïs|Anais|anais/i,
    /9[\s\u202f\u00a0]?876,54/,
    /9876\.54/,
    /987654/,
    /1[\s\u202f\u00a0]?234,57/,
    /REF-ANAIS/,
    /anaiscode01/,
    /0189/,
    /Offre Anaïs/,
  ]

  it('every /p route, with B’s session and A’s ids, shows nothing of A’s and changes nothing of A’s', async () => {
    const s = new PortalSession(app)
    await s.signInAs(app, b)
    const csrf = await s.portalCsrf()
    const routes = app.registeredRoutes.filter((r) => (r.url === '/p' || r.url.startsWith('/p/')) && r.method !== 'HEAD')
    expect(routes.length).toBeGreaterThanOrEqual(14)
    const before = await aRows()
    const urls = (url: string) => {
      if (url.includes(':id')) return [aIds.conversion, aIds.payout].map((id) => url.replace(':id', String(id)))
      if (url.includes(':month')) return [aIds.month, `${aIds.month}.csv`].map((m) => url.replace(':month', m))
      return [url.replace('/auth', `/auth?token=${'A'.repeat(43)}`)]
    }
    // Every field a form could try to name A by.
    const form = {
      _csrf: csrf,
      partnerId: String(a),
      partner: String(a),
      id: String(aIds.payout),
      payoutId: String(aIds.payout),
      amount: '60',
      method: 'paypal',
      email: 'b-paypal@example.com',
      token: 'A'.repeat(43),
    }
    const seen: string[] = []
    for (const route of routes) {
      if (route.url === '/p/logout') continue // walked last: it ends B's session
      for (const url of urls(route.url)) {
        const res = READS.has(route.method) ? await s.get(url) : await s.post(url, form)
        seen.push(`${route.method} ${url} → ${res.statusCode}`)
        for (const mark of A_MARKS) expect(res.body, `${route.method} ${url}`).not.toMatch(mark)
        if (route.url.includes(':id')) expect(res.statusCode, url).toBe(404)
        // A redirect's next page (a flash) may not name A either.
        if (res.statusCode === 303) {
          const next = await s.get(String(res.headers.location))
          for (const mark of A_MARKS) expect(next.body, `after ${route.method} ${url}`).not.toMatch(mark)
        }
      }
    }
    expect(await aRows()).toBe(before)
    // B's own data is there, so the walk did read real rows.
    expect((await s.get('/p/links')).body).toMatch(/data-subid="basile-news"><td>basile-news<\/td><td class="num">2</)
    // B's own statement of that month has B's line, so the walk did read real data.
    expect((await s.get(`/p/statements/${aIds.month}.csv`)).body).toContain('conversions_confirmed,1,1100,11.00')
    const out = await s.post('/p/logout', { _csrf: csrf, partnerId: String(a) })
    expect(out.statusCode).toBe(303)
    expect(await aRows()).toBe(before)
    console.log(`portal routes walked with another partner's ids: ${routes.length} (${seen.length} requests)`)
  })
})
