// The ops console over HTTP (inject), on both databases: access (login form,
// session, header secret, redirects and 401s), CSRF on every form, the login
// throttle, escaped output, the pages' content, the admin API's 409 refusals
// and the CSV export.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { summary } from '../../src/analytics/summary.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession, createAccount } from '../helpers/console-session.ts'
import { insertClickEvents } from '../../src/db/hot/index.ts'

const DAY = 24 * 60 * 60 * 1000
const XSS = '<script>alert(1)</script>'
const nb = (s: string) => s.replace(/ /g, '\u00a0')

const PAGES = ['/admin/monitoring', '/ops/payouts/pending', '/ops/holds', '/admin/payouts', '/admin/partners']

describeEachDatabase('ops console over HTTP', (t, provider) => {
  let app: FastifyInstance
  let ids: { camille: number; xss: number }

  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  beforeEach(async () => {
    const { db } = t()
    await truncateAll(db, provider)
    const camille = await db.partner.create({ data: { name: 'Camille Martin', email: 'camille@example.fr' } })
    const xss = await db.partner.create({ data: { name: XSS, email: 'x@example.fr' } })
    ids = { camille: camille.id, xss: xss.id }
    const old = new Date(Date.now() - 40 * DAY)
    await db.walletEntry.createMany({
      data: [
        { partnerId: camille.id, type: 'conversion', status: 'confirmed', amountCents: 123_450, txnId: 'c1', createdAt: old },
        { partnerId: xss.id, type: 'conversion', status: 'confirmed', amountCents: 50_000, txnId: 'x1', createdAt: old },
      ],
    })
    await insertClickEvents(t().database, [
      {
        kind: 'click',
        ts: new Date(Date.now() - DAY),
        partnerId: camille.id,
        assignmentId: null,
        offerId: null,
        clickId: 'k1',
        visitorHash: null,
        userAgent: null,
        referer: null,
        isUnique: true,
      },
    ])
  })

  const api = async (method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = adminHeaders) => {
    const res = await app.inject({ method, url, headers, payload: payload as object })
    return { status: res.statusCode, body: res.json<Record<string, any>>() }
  }

  it('sends a browser without a session to the login page, and API/JSON callers get 401', async () => {
    for (const url of [...PAGES, `/admin/partners/${ids.camille}`, '/admin/payouts.csv']) {
      const res = await app.inject({ url, headers: { accept: 'text/html' } })
      expect(res.statusCode, url).toBe(302)
      expect(res.headers.location).toBe(`/login?next=${encodeURIComponent(url)}`)
    }
    for (const url of ['/admin/monitoring.json', '/admin/api/payouts', `/admin/api/partners/${ids.camille}/balance`]) {
      const res = await app.inject({ url })
      expect(res.statusCode, url).toBe(401)
      expect(res.json()).toEqual({ error: 'Unauthorized' })
    }
    const wrong = await app.inject({
      url: '/admin/monitoring',
      headers: { 'x-admin-secret': 'wrong-secret-of-some-length-000', accept: 'text/html' },
    })
    expect(wrong.statusCode).toBe(401)
    expect(wrong.body).toBe('<h3>Unauthorized</h3>')
    for (const [method, url] of [
      ['POST', '/ops/payouts/1/approve'],
      ['POST', '/ops/holds'],
      ['POST', '/admin/api/payouts'],
      ['DELETE', `/admin/api/partners/${ids.camille}/hold`],
    ] as const) {
      const res = await app.inject({ method, url, payload: {} })
      expect(res.statusCode, url).toBe(401)
    }
  })

  it('logs in with email and password through the form, with a fresh session, and logs out', async () => {
    const lea = await createAccount(app, { name: 'Léa <b>', role: 'ops' })
    const s = new ConsoleSession(app)
    const form = await s.get('/login?next=/ops/holds')
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('name="next" value="/ops/holds"')
    expect(form.body).toContain('name="email"')
    expect(form.body).toContain('name="password"')
    const bad = await s.post('/login', {
      _csrf: ConsoleSession.csrfOf(form.body),
      email: lea.email,
      password: 'not-the-password',
      next: '/ops/holds',
    })
    expect(bad.statusCode).toBe(401)
    expect(bad.body).toContain('Email ou mot de passe incorrect.')
    expect(s.cookies.has('cf_session')).toBe(false)
    // The email is the account's whatever its case.
    const ok = await s.post('/login', {
      _csrf: ConsoleSession.csrfOf(bad.body),
      email: ` ${lea.email.toUpperCase()} `,
      password: lea.password,
      next: '/ops/holds',
    })
    expect(ok.statusCode).toBe(303)
    expect(ok.headers.location).toBe('/ops/holds')
    const cookie = String([ok.headers['set-cookie']].flat().find((c) => String(c).startsWith('cf_session=')))
    expect(cookie).toMatch(/HttpOnly/i)
    expect(cookie).toMatch(/SameSite=Strict/i)
    expect(cookie).toMatch(/Expires=/i)
    const first = s.cookies.get('cf_session')
    const page = await s.get('/ops/holds')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`<span class="who" title="Compte inscrit au journal d'audit (rôle : ops)">${lea.email}</span>`) // who acts in the audit log
    // Logging in again gives another session id (no fixation). (GET /login of a signed-in browser goes to next.)
    expect((await s.get('/login?next=/ops/holds')).headers.location).toBe('/ops/holds')
    await s.signIn(lea.email, lea.password)
    expect(s.cookies.get('cf_session')).not.toBe(first)
    // An open redirect through next is not possible.
    const evil = await s.signIn(lea.email, lea.password, '//evil.example/x')
    expect(evil.headers.location).toBe('/admin/monitoring')
    const out = await s.submit('/logout', '/logout', {})
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/login?out=1')
    expect((await s.get('/admin/monitoring')).statusCode).toBe(302)
  })

  it("refuses a form without its CSRF token, or with another session's token", async () => {
    const s = new ConsoleSession(app)
    await s.login()
    const noToken = await s.post('/ops/holds', { partnerId: String(ids.camille), reason: 'pas de jeton' })
    expect(noToken.statusCode).toBe(403)
    expect(noToken.headers['content-type']).toMatch(/text\/html/)
    expect(noToken.body).toContain('jeton CSRF')
    const other = new ConsoleSession(app)
    await other.login()
    const foreign = await s.post('/ops/holds', {
      _csrf: ConsoleSession.csrfOf((await other.get('/ops/holds')).body),
      partnerId: String(ids.camille),
      reason: 'jeton volé',
    })
    expect(foreign.statusCode).toBe(403)
    const noLoginToken = await new ConsoleSession(app).post('/login', { email: s.account!.email, password: s.account!.password })
    expect(noLoginToken.statusCode).toBe(403)
    expect(await t().db.partnerFlag.count()).toBe(0)
    // The JSON API used from a browser session needs the token too; with the header secret it does not.
    const apiFromSession = await s.request({
      method: 'POST',
      url: `/admin/api/partners/${ids.camille}/hold`,
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      payload: JSON.stringify({ reason: 'session sans jeton' }),
    })
    expect(apiFromSession.statusCode).toBe(403)
  })

  it('throttles failed logins per account and address, with a 429 page and Retry-After', async () => {
    const acc = await createAccount(app, { role: 'viewer' })
    const s = new ConsoleSession(app)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await s.signIn(acc.email, `wrong-password-${i}`)).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429, 429])
    const limited = await s.signIn(acc.email, acc.password)
    expect(limited.statusCode).toBe(429) // even the right password waits out the delay
    expect(limited.body).toContain('Trop de tentatives')
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(s.cookies.has('cf_session')).toBe(false)
    // The same account from another address is not affected.
    expect((await new ConsoleSession(app).signIn(acc.email, acc.password)).statusCode).toBe(303)
  })

  it('serves the pages with a strict CSP and escapes what partners choose (their name)', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    await api('POST', '/admin/api/payouts', { partnerId: ids.xss, amountCents: 1_000 })
    await api('POST', `/admin/api/partners/${ids.xss}/hold`, { reason: `motif ${XSS}` })
    for (const url of [...PAGES, `/admin/partners/${ids.xss}`, `/admin/payouts?partner=${ids.xss}`, '/admin/partners?q=script']) {
      const res = await s.get(url)
      expect(res.statusCode, url).toBe(200)
      expect(res.headers['content-type']).toMatch(/^text\/html/)
      expect(res.headers['cache-control']).toBe('no-store')
      const csp = String(res.headers['content-security-policy'])
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("style-src 'self'")
      expect(csp).toContain("form-action 'self'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(res.headers['x-content-type-options']).toBe('nosniff')
      // Our one script (the copy buttons, /assets/copy.js) aside, no script in any page.
      expect(res.body.replaceAll('<script src="/assets/copy.js" defer></script>', ''), url).not.toContain('<script')
      expect(res.body, url).not.toMatch(/\sstyle=/)
      expect(res.body).toContain('<nav class="nav"')
    }
    const partner = await s.get(`/admin/partners/${ids.xss}`)
    expect(partner.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
    expect((await s.get('/ops/holds')).body).toContain('motif &lt;script&gt;')
    // The JSON keeps the data as it is (it is data, not markup).
    expect((await api('GET', `/admin/api/payouts?partner=${ids.xss}`)).body.payouts[0].partnerName).toBe(XSS)
  })

  it("lists a partner's recent clicks with the name of each click's offer", async () => {
    const { db } = t()
    const network = await db.network.create({ data: { slug: 'awin', name: 'Awin' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'Offre Soldes Hiver', url: 'https://shop.example/soldes' } })
    await insertClickEvents(t().database, [
      {
        kind: 'click',
        ts: new Date(Date.now() - 60_000),
        partnerId: ids.camille,
        assignmentId: null,
        offerId: offer.id,
        clickId: 'k2',
        visitorHash: null,
        userAgent: null,
        referer: 'https://blog.example/post',
        isUnique: true,
      },
    ])
    const s = new ConsoleSession(app)
    await s.login()
    // The clicks table's rows: a time, then the kind.
    const rows =
      (await s.get(`/admin/partners/${ids.camille}`)).body.match(/<tr><td class="when">[^<]*<\/td><td>(clic|robot)<.*?<\/tr>/g) ?? []
    expect(rows).toHaveLength(2)
    // Newest first: the click on the offer, then the earlier one without an offer.
    expect(rows[0]).toContain('<td>Offre Soldes Hiver</td>')
    expect(rows[0]).toContain('https://blog.example/post')
    expect(rows[1]).toContain('<td>clic</td><td></td>')
  })

  it("shows the monitoring page with the summary's numbers, charts and the three links; monitoring.json is summary()", async () => {
    const json = await api('GET', '/admin/monitoring.json')
    expect(json.status).toBe(200)
    const expected = await summary(t().db, app.config)
    expect(json.body).toEqual(JSON.parse(JSON.stringify(expected)))
    expect(Object.keys(json.body)).toEqual([
      'clicks_7d',
      'conv_7d',
      'rev_7d',
      'epc_7d',
      'available',
      'reserved',
      'paid',
      'pending',
      'approved',
      'posted',
      'failed',
      'holds',
      'postbacks_24h',
      'partners_active',
      'offer',
    ])
    const s = new ConsoleSession(app)
    await s.login()
    const page = await s.get('/admin/monitoring')
    expect(page.body).toContain('<h1>Monitoring — ContentFlow</h1>')
    for (const label of [
      'Revenue 7j',
      'EPC 7j',
      'Clicks 7j',
      'Conversions 7j',
      'Disponible',
      'Réserve',
      'Payé',
      'Offre actuelle',
      'Mode',
      'Pipeline',
      'Assignments',
      'Sécurité',
      'Partenaires actifs',
      'postbacks 24h',
      'conversions signalées',
      'postbacks rejetés 24h',
    ]) {
      expect(page.body, label).toContain(label)
    }
    // 1 234,50 + 500,00 confirmed, 40 days old: all available.
    expect(page.body).toContain(`<div class="big" data-figure="available">${nb('€ 1 734,50')}</div>`)
    expect(page.body).toContain(`data-figure="clicks_7d">1<`)
    expect(page.body).toContain(`${nb('€ 0,05')}/clic`)
    expect(page.body).toContain('<a href="/ops/payouts/pending">Payouts à valider</a>')
    expect(page.body).toContain('<a href="/ops/holds">Holds</a>')
    expect(page.body).toContain('<a href="/admin/payouts">Journal des payouts</a>')
    expect(page.body.match(/<svg class="chart/g)).toHaveLength(2)
    // Clicks: 30 days, today's bar partial (lighter) with its legend. Revenue: none in 30 days, said so.
    expect(page.body.match(/<rect class="chart-bar[" ][^>]*><title>/g)).toHaveLength(30)
    expect(page.body.match(/<rect class="chart-bar chart-bar--partial"[^>]*><title>/g)).toHaveLength(1)
    expect(page.body).toContain('aujourd&#39;hui (partiel)')
    expect(page.body).toContain('>Pas encore de données</text>')
    expect(page.body).not.toContain('http-equiv="refresh"')
    expect((await s.get('/admin/monitoring?refresh=1')).body).toContain('<meta http-equiv="refresh" content="60">')
  })

  it('runs a payout from the pages: request, approve, pay with a reference; flash messages; Disponible drops', async () => {
    const s = new ConsoleSession(app)
    await s.login('Hugo')
    const partnerPage = `/admin/partners/${ids.camille}`
    const requested = await s.submit(partnerPage, `/admin/partners/${ids.camille}/payouts`, { amount: '234,50' })
    expect(requested.statusCode).toBe(303)
    expect(requested.headers.location).toBe(partnerPage)
    expect((await s.get(partnerPage)).body).toContain(`Payout #`)
    const payout = await t().db.payout.findFirstOrThrow({ where: { partnerId: ids.camille } })
    expect(payout.amountCents).toBe(23_450)
    const queue = await s.get('/ops/payouts/pending')
    expect(queue.body).toContain(`data-payout="${payout.id}"`)
    expect(queue.body).toContain(nb('€ 1 234,50')) // the partner's available balance
    const approved = await s.submit('/ops/payouts/pending', `/ops/payouts/${payout.id}/approve`, {})
    expect(approved.headers.location).toBe('/ops/payouts/pending')
    const after = await s.get('/ops/payouts/pending')
    expect(after.body).toContain(`Payout #${payout.id} approuvé`)
    expect((await s.get('/ops/payouts/pending')).body).not.toContain(`Payout #${payout.id} approuvé`) // the flash shows once
    await s.submit('/ops/payouts/pending', `/ops/payouts/${payout.id}/pay`, { reference: 'VIR-2026-001' })
    expect((await s.get('/ops/payouts/pending')).body).toContain(`marqué payé (${nb('€ 234,50')}, référence VIR-2026-001)`)
    expect((await api('GET', '/admin/monitoring.json')).body.available).toBe(1_500)
    expect((await api('GET', `/admin/api/partners/${ids.camille}/balance`)).body).toMatchObject({
      availableCents: 100_000,
      paidCents: 23_450,
      onHold: false,
    })
    const audit = await t().db.auditLog.findMany({ where: { subject: `payout:${payout.id}` }, orderBy: { id: 'asc' } })
    expect(audit.map((a) => a.actor)).toEqual([s.account!.email, s.account!.email, s.account!.email])
    // Refusals come back as a flash on the page, not as an error page.
    const again = await s.submit('/ops/payouts/pending', `/ops/payouts/${payout.id}/pay`, { reference: 'VIR-2' })
    expect(again.statusCode).toBe(303)
    expect((await s.get('/ops/payouts/pending')).body).toContain('flash--error')
    const tooMuch = await s.submit(partnerPage, `/admin/partners/${ids.camille}/payouts`, { amount: '1000,01' })
    expect(tooMuch.statusCode).toBe(303)
    expect((await s.get(partnerPage)).body).toContain('supérieur au solde')
    await s.submit(partnerPage, `/admin/partners/${ids.camille}/payouts`, { amount: 'douze' })
    expect((await s.get(partnerPage)).body).toContain('montant invalide')
  })

  it('sets and lifts a hold from the pages; the queue says why a held partner cannot be approved', async () => {
    const s = new ConsoleSession(app)
    await s.login('Inès')
    const { body: p } = await api('POST', '/admin/api/payouts', { partnerId: ids.camille, amountCents: 10_000 })
    const set = await s.submit('/ops/holds', '/ops/holds', { partnerId: String(ids.camille), reason: 'Pic de clics suspect' })
    expect(set.headers.location).toBe('/ops/holds')
    const holds = await s.get('/ops/holds')
    expect(holds.body).toContain(`data-hold-partner="${ids.camille}"`)
    expect(holds.body).toContain('Pic de clics suspect')
    expect(holds.body).toContain(s.account!.email)
    const queue = await s.get('/ops/payouts/pending')
    expect(queue.body).toContain('Partenaire en hold : Pic de clics suspect')
    expect(queue.body).toMatch(/class="button button--ok" disabled>Approuver/)
    await s.submit('/ops/payouts/pending', `/ops/payouts/${p.id}/approve`, {})
    expect((await s.get('/ops/payouts/pending')).body).toContain('en hold (Pic de clics suspect) : approbation impossible')
    const lift = await s.submit(`/admin/partners/${ids.camille}`, `/ops/holds/${ids.camille}/lift`, {
      reason: 'Trafic vérifié',
      back: `/admin/partners/${ids.camille}`,
    })
    expect(lift.headers.location).toBe(`/admin/partners/${ids.camille}`)
    const after = await s.get('/ops/holds')
    expect(after.body).not.toContain(`data-hold-partner="${ids.camille}"`)
    expect(after.body).toContain('Trafic vérifié')
    await s.submit('/ops/payouts/pending', `/ops/payouts/${p.id}/approve`, {})
    expect((await t().db.payout.findUniqueOrThrow({ where: { id: p.id } })).status).toBe('approved')
    const bad = await s.submit('/ops/holds', '/ops/holds', { partnerId: 'abc', reason: 'motif' })
    expect(bad.statusCode).toBe(303)
    expect((await s.get('/ops/holds')).body).toContain('Partenaire : aucun partenaire ne correspond à « abc »')
    // back= can only lead to a console page
    const evil = await s.submit('/ops/holds', '/ops/holds', { partnerId: String(ids.xss), reason: 'motif', back: 'https://evil.example/' })
    expect(evil.headers.location).toBe('/ops/holds')
  })

  it('answers the admin API: payouts, holds and balances, with 409 refusals', async () => {
    const req = await api('POST', '/admin/api/payouts', { partnerId: ids.camille, amountCents: 20_000 })
    expect(req.status).toBe(201)
    expect(req.body).toEqual({ id: expect.any(Number), status: 'requested' })
    const id = req.body.id
    expect((await api('POST', `/admin/api/payouts/${id}/pay`, { reference: 'X' })).status).toBe(409)
    expect((await api('POST', '/admin/api/payouts', { partnerId: ids.camille, amountCents: 200_000 })).body.error).toMatch(
      /supérieur au solde/,
    )
    expect((await api('POST', '/admin/api/payouts', { partnerId: ids.camille, amountCents: -5 })).status).toBe(400)
    expect((await api('POST', '/admin/api/payouts', { partnerId: 99_999, amountCents: 5 })).status).toBe(404)
    expect((await api('POST', `/admin/api/partners/${ids.camille}/hold`, { reason: 'KYC manquant' })).status).toBe(201)
    expect((await api('POST', `/admin/api/partners/${ids.camille}/hold`, { reason: 'encore' })).status).toBe(409)
    const held = await api('POST', `/admin/api/payouts/${id}/approve`)
    expect(held.status).toBe(409)
    expect(held.body.error).toBe(`partenaire #${ids.camille} en hold (KYC manquant) : approbation impossible`)
    expect((await api('GET', `/admin/api/partners/${ids.camille}/balance`)).body).toMatchObject({
      partnerId: ids.camille,
      confirmedCents: 123_450,
      reservedCents: 0,
      paidCents: 0,
      availableCents: 123_450,
      onHold: true,
    })
    expect((await api('DELETE', `/admin/api/partners/${ids.camille}/hold`, { reason: 'KYC reçu' })).status).toBe(200)
    expect((await api('DELETE', `/admin/api/partners/${ids.camille}/hold?reason=deux%20fois`)).status).toBe(409)
    expect((await api('POST', `/admin/api/payouts/${id}/approve`)).body.status).toBe('approved')
    expect((await api('POST', `/admin/api/payouts/${id}/pay`, {})).status).toBe(400)
    const paid = await api('POST', `/admin/api/payouts/${id}/pay`, { reference: 'VIR-9' })
    expect(paid.body).toMatchObject({ status: 'paid', reference: 'VIR-9' })
    expect((await api('POST', `/admin/api/payouts/${id}/reject`, { reason: 'trop tard' })).status).toBe(409)
    expect((await api('GET', `/admin/api/partners/${ids.camille}/balance`)).body.availableCents).toBe(103_450)
    expect((await api('GET', '/admin/api/partners/99999/balance')).status).toBe(404)
    const r2 = await api('POST', '/admin/api/payouts', { partnerId: ids.camille, amountCents: 100 })
    expect((await api('POST', `/admin/api/payouts/${r2.body.id}/reject`, { reason: 'doublon' })).body).toMatchObject({
      status: 'rejected',
      reason: 'doublon',
    })
  })

  it('filters the payout journal and exports it as CSV', async () => {
    const { db } = t()
    await db.payout.createMany({
      data: [
        {
          partnerId: ids.camille,
          amountCents: 12_345,
          status: 'paid',
          reference: 'VIR-1',
          requestedAt: new Date('2026-01-10T10:00:00Z'),
          paidAt: new Date('2026-01-12T09:00:00Z'),
        },
        {
          partnerId: ids.camille,
          amountCents: 500,
          status: 'rejected',
          reason: 'IBAN, "invalide"',
          requestedAt: new Date('2026-02-01T00:00:00Z'),
          rejectedAt: new Date('2026-02-02T00:00:00Z'),
        },
        { partnerId: ids.xss, amountCents: 999, status: 'requested', requestedAt: new Date('2026-02-28T23:59:59Z') },
        {
          partnerId: ids.xss,
          amountCents: 1,
          status: 'requested',
          reference: '=HYPERLINK("http://evil")',
          requestedAt: new Date('2026-03-01T00:00:00Z'),
        },
      ],
    })
    const s = new ConsoleSession(app)
    await s.login()
    const all = await s.get('/admin/payouts')
    expect(all.body).toContain('<span data-total="count">4</span> payout(s)')
    // Totals per status: money paid is never summed with money refused.
    const total = (status: string, label: string, count: number, amount: string) =>
      `data-status-total="${status}"><span class="badge badge--${status}">${label}</span> ${count} pour <b>${nb(amount)}</b>`
    expect(all.body).toContain(total('requested', 'demandé', 2, '€ 10,00'))
    expect(all.body).toContain(total('paid', 'payé', 1, '€ 123,45'))
    expect(all.body).toContain(total('rejected', 'rejeté', 1, '€ 5,00'))
    expect(all.body).not.toContain(nb('€ 138,45'))
    const feb = await s.get('/admin/payouts?from=2026-02-01&to=2026-02-28')
    expect(feb.body).toContain('<span data-total="count">2</span> payout(s)')
    const camillePaid = (await s.get(`/admin/payouts?partner=${ids.camille}&status=paid`)).body
    expect(camillePaid).toContain(total('paid', 'payé', 1, '€ 123,45'))
    expect(camillePaid).not.toContain('data-status-total="rejected"')
    expect(feb.body).toContain('href="/admin/payouts.csv?from=2026-02-01&amp;to=2026-02-28"')
    const bad = await s.get('/admin/payouts?from=hier')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('AAAA-MM-JJ')
    const csv = await s.get('/admin/payouts.csv?from=2026-01-01&to=2026-02-28')
    expect(csv.statusCode).toBe(200)
    expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
    expect(csv.headers['content-disposition']).toMatch(/^attachment; filename="payouts-\d{4}-\d{2}-\d{2}\.csv"$/)
    const lines = csv.body
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe(
      'id,partner_id,partner_name,amount_cents,amount_eur,status,requested_at,approved_at,paid_at,rejected_at,reference,reason',
    )
    expect(lines.slice(1).map((l) => l.replace(/^\d+,\d+,/, ''))).toEqual([
      `${XSS},999,9.99,requested,2026-02-28T23:59:59.000Z,,,,,`,
      'Camille Martin,500,5.00,rejected,2026-02-01T00:00:00.000Z,,,2026-02-02T00:00:00.000Z,,"IBAN, ""invalide"""',
      'Camille Martin,12345,123.45,paid,2026-01-10T10:00:00.000Z,,2026-01-12T09:00:00.000Z,,VIR-1,',
    ])
    const injected = await s.get(`/admin/payouts.csv?partner=${ids.xss}&from=2026-03-01`)
    expect(injected.body).toContain(`"'=HYPERLINK(""http://evil"")"`)
  })

  it('keeps the security headers to the console: the redirector and the postback endpoint stay lean', async () => {
    for (const url of ['/r/unknown-code', '/aff/postback?network=x', '/healthz']) {
      const res = await app.inject({ url })
      expect(res.headers['content-security-policy'], url).toBeUndefined()
    }
    const login = await app.inject({ url: '/login' })
    expect(String(login.headers['content-security-policy'])).toContain("form-action 'self'")
    expect(login.headers['x-frame-options']).toBe('SAMEORIGIN')
  })

  it('answers console errors with an HTML page in the layout', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    const missing = await s.get('/admin/partners/424242')
    expect(missing.statusCode).toBe(404)
    expect(missing.headers['content-type']).toMatch(/text\/html/)
    expect(missing.body).toContain('partenaire #424242 introuvable')
    expect(missing.body).toContain('<nav class="nav"')
    const unknown = await s.get('/admin/nope')
    expect(unknown.statusCode).toBe(404)
    expect(String(unknown.headers['content-security-policy'])).toContain("script-src 'self'")
    expect((await s.get('/admin/partners/abc')).statusCode).toBe(400)
  })
})
