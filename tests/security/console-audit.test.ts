// The console's defences, each walked over every route it must cover rather
// than a sample, on both databases: sessions (forged, tampered and planted
// cookies, the old signed-cookie forms; a fresh token at login; cookie
// attributes), CSRF on every state-changing route a browser session can reach, security headers on every console route
// and none on the public endpoints, escaped output of every field a person or a
// network can fill, and no secret, token or cookie in any log line.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { sign } from '@fastify/cookie'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import { SESSION_COOKIE } from '../../src/plugins/admin-auth.ts'
import { sessionIdOf } from '../../src/accounts/sessions.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { ConsoleSession, createAccount } from '../helpers/console-session.ts'

const XSS = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE'])
/** Not reachable by a browser session: networks authenticate with their token, not a cookie. */
const NOT_SESSION_ROUTES = new Set(['/aff/postback'])
/** Where pages (and the console's JSON and CSV) are served: every route here must carry the security headers. */
const PAGE_PREFIXES = ['/admin', '/ops', '/login', '/logout', '/assets', '/p']
const servesPages = (url: string) => PAGE_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}.`))

describeEachDatabase('console defences, route by route', (t) => {
  let app: FastifyInstance
  let config: Config
  const logLines: string[] = []
  const ids = { partner: 0, payout: 0, offer: 0, assignment: 0, slug: 'xssnet', token: '' }

  const api = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url, headers: adminHeaders, payload })
    expect(res.statusCode, `${url} ${res.body}`).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  beforeAll(async () => {
    config = loadConfig({ NODE_ENV: 'test', ADMIN_SECRET: TEST_ADMIN_SECRET, DATABASE_URL: t().url, LOG_LEVEL: 'debug' })
    const stream = new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) })
    app = await buildApp(config, { database: t().database, logStream: stream })
    await app.ready()
    // Every field a person or a network can fill, filled with markup.
    const network = await api('POST', '/admin/api/networks', { slug: ids.slug, name: `Réseau ${XSS}` })
    ids.token = String(network.postbackToken)
    ids.offer = Number(
      (await api('POST', '/admin/api/offers', { network: ids.slug, name: `Offre ${XSS}`, url: 'https://adv.example/?affid=1' })).id,
    )
    ids.partner = Number((await api('POST', '/admin/api/partners', { name: `Partenaire ${XSS}`, email: 'p@example.fr' })).id)
    ids.assignment = Number(
      (await api('POST', '/admin/api/assignments', { partnerId: ids.partner, offerId: ids.offer, status: 'posted' })).id,
    )
    await t().db.walletEntry.create({
      data: {
        partnerId: ids.partner,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 500_00,
        txnId: `txn ${XSS}`,
        createdAt: new Date(Date.now() - 40 * 86_400_000),
      },
    })
    ids.payout = Number((await api('POST', '/admin/api/payouts', { partnerId: ids.partner, amountCents: 100 })).id)
    await api('POST', `/admin/api/payouts/${ids.payout}/reject`, { reason: `motif ${XSS}` })
    ids.payout = Number((await api('POST', '/admin/api/payouts', { partnerId: ids.partner, amountCents: 200 })).id)
    await api('POST', `/admin/api/partners/${ids.partner}/hold`, { reason: `hold ${XSS}` })
    // A postback with markup in what the network chose.
    await app.inject({
      url: `/aff/postback?network=${ids.slug}&token=${ids.token}&subid=1:1:abc&txn_id=${encodeURIComponent(XSS)}&status=${encodeURIComponent(XSS)}&amount=1`,
    })
  })
  afterAll(async () => app.close())

  /** A route's URL with its parameters filled with ids that exist. */
  const concrete = (url: string) =>
    url
      .replace(':slug', ids.slug)
      .replace(/^\/(admin\/api|ops)\/payouts\/:id/, `/$1/payouts/${ids.payout}`)
      .replace(/^\/admin\/api\/offers\/:id/, `/admin/api/offers/${ids.offer}`)
      .replace(/^\/admin\/api\/assignments\/:id/, `/admin/api/assignments/${ids.assignment}`)
      .replace(':code', 'nocode1')
      .replace(/:id\b/, String(ids.partner))

  const counts = async () => {
    const db = t().db
    const all = await Promise.all(
      [db.network, db.offer, db.partner, db.assignment, db.payout, db.partnerFlag, db.auditLog, db.walletEntry].map((m) =>
        (m as { count(): Promise<number> }).count(),
      ),
    )
    const updated = await Promise.all([
      db.network.findMany({ select: { updatedAt: true, postbackToken: true } }),
      db.payout.findMany({ select: { status: true } }),
    ])
    return JSON.stringify([all, updated])
  }

  it('a session cookie that the server did not issue, or that has ended, opens nothing', async () => {
    const now = Date.now()
    const owner = new ConsoleSession(app)
    await owner.login()
    const live = owner.cookies.get(SESSION_COOKIE)!
    const flip = (token: string) => token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')
    const forged = [
      'abc',
      `attacker.${now + 3_600_000}`,
      // The old signed-cookie sessions, and the actor-name cookie a login name like this one made.
      sign(`attacker.${now + 3_600_000}`, config.sessionSecret),
      app.signCookie('x.99999999999999'),
      app.signCookie(`valid.${now + 60_000}`),
      // A token of the right shape that was never issued, a real one altered, and the row id a copy of the table would show.
      'A'.repeat(43),
      flip(live),
      sessionIdOf(live),
    ]
    for (const value of forged) {
      const cookie = `${SESSION_COOKIE}=${encodeURIComponent(value)}`
      const page = await app.inject({ url: '/admin/monitoring', headers: { cookie, accept: 'text/html' } })
      expect([page.statusCode, page.headers.location], value).toEqual([302, '/login?next=%2Fadmin%2Fmonitoring'])
      const json = await app.inject({ url: '/admin/monitoring.json', headers: { cookie } })
      expect(json.statusCode, value).toBe(401)
    }
    // A cookie the server issued opens the console: the refusals above are about the cookie, not the method.
    expect((await app.inject({ url: '/admin/monitoring.json', headers: { cookie: `${SESSION_COOKIE}=${live}` } })).statusCode).toBe(200)
  })

  it('logging in replaces whatever session cookie the browser had (no fixation), with an 8-hour HttpOnly SameSite=Strict cookie', async () => {
    const attacker = new ConsoleSession(app)
    await attacker.login({ role: 'viewer' })
    // Forged, or a real session of the attacker's own: either way not the one the login gives.
    for (const planted of [
      `planted.${Date.now() + 3_600_000}`,
      app.signCookie(`planted-by-attacker.${Date.now() + 3_600_000}`),
      attacker.cookies.get(SESSION_COOKIE)!,
    ]) {
      const victim = await createAccount(app)
      const s = new ConsoleSession(app)
      const form = await s.get('/login')
      s.cookies.set(SESSION_COOKIE, encodeURIComponent(planted))
      const before = Date.now()
      const res = await s.post('/login', {
        _csrf: ConsoleSession.csrfOf(form.body),
        email: victim.email,
        password: victim.password,
        next: '/admin/monitoring',
      })
      expect(res.statusCode).toBe(303)
      const set = [res.headers['set-cookie']]
        .flat()
        .map(String)
        .find((c) => c.startsWith(`${SESSION_COOKIE}=`))!
      expect(set).toMatch(/HttpOnly/)
      expect(set).toMatch(/SameSite=Strict/)
      expect(set).toMatch(/Path=\//)
      const expires = Date.parse(/Expires=([^;]+)/.exec(set)![1]!)
      expect(Math.abs(expires - (before + 8 * 3_600_000))).toBeLessThan(10_000)
      const issued = decodeURIComponent(s.cookies.get(SESSION_COOKIE)!)
      expect(issued).not.toBe(planted)
      expect(issued).not.toContain('planted')
      // The cookie is only a fresh, unguessable token (256 random bits); the server keeps the rest.
      expect(issued).toMatch(/^[A-Za-z0-9_-]{43}$/)
      expect(await t().db.adminSession.count({ where: { id: sessionIdOf(issued), userId: victim.id } })).toBe(1)
      const page = await s.get('/admin/monitoring')
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain(victim.email)
    }
  })

  it('in production the session and CSRF cookies are Secure', async () => {
    const prod = await buildApp(
      loadConfig({ NODE_ENV: 'production', ADMIN_SECRET: TEST_ADMIN_SECRET, DATABASE_URL: t().url, LOG_LEVEL: 'silent' }),
      { database: t().database, logger: false },
    )
    try {
      const res = await new ConsoleSession(prod).login()
      const cookies = [res.headers['set-cookie']].flat().map(String)
      for (const name of [SESSION_COOKIE, 'cf_csrf']) {
        const c = cookies.find((x) => x.startsWith(`${name}=`)) ?? ''
        if (name === 'cf_csrf' && !c) continue // set with the login page, not the answer
        expect(c, name).toMatch(/; Secure/)
      }
      const page = await prod.inject({ url: '/login' })
      expect(String([page.headers['set-cookie']].flat().find((c) => String(c).startsWith('cf_csrf=')))).toMatch(/; Secure/)
      expect(String(page.headers['strict-transport-security'])).toMatch(/max-age=/)
    } finally {
      await prod.close()
    }
  })

  it('every state-changing route a browser session can reach refuses a request without the CSRF token', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    let token = ConsoleSession.csrfOf((await s.get('/ops/holds')).body)
    const routes = app.registeredRoutes.filter((r) => STATE_CHANGING.has(r.method) && !NOT_SESSION_ROUTES.has(r.url))
    expect(routes.length).toBeGreaterThan(10)
    const unprotected: string[] = []
    for (const route of routes) {
      const url = concrete(route.url)
      const isApi = url.startsWith('/admin/api')
      const payload = isApi
        ? JSON.stringify({ reason: 'csrf probe', name: 'csrf probe' })
        : new URLSearchParams({ reason: 'csrf probe', reference: 'R', amount: '1', partnerId: String(ids.partner) }).toString()
      const headers = { 'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded', origin: 'https://evil.example' }
      const before = await counts()
      const res = await s.request({ method: route.method, url, payload, headers })
      const after = await counts()
      // The portal's own routes need a portal session: a console one is refused before CSRF (tests/portal/sign-in.test.ts checks their tokens).
      const refused = res.statusCode === 403 || (route.url.startsWith('/p/') && res.statusCode === 401)
      if (!refused || after !== before)
        unprotected.push(`${route.method} ${route.url} → ${res.statusCode}${after !== before ? ' (and it wrote)' : ''}`)
      // With the token the same request gets past the check: the 403 above was the check.
      // The sign-in forms (console and portal) carry the pre-session token, not a session's.
      if (!['/login', '/p/login', '/p/auth'].includes(route.url)) {
        const withToken = await s.request({ method: route.method, url, payload, headers: { ...headers, 'x-csrf-token': token } })
        expect(withToken.statusCode, `${route.method} ${route.url} with its token`).not.toBe(403)
      }
      if (route.url === '/logout') {
        await s.login()
        token = ConsoleSession.csrfOf((await s.get('/ops/holds')).body)
      }
    }
    console.log(`state-changing routes a session can reach: ${routes.length}, without a CSRF check: ${unprotected.length}`)
    expect(unprotected).toEqual([])
  })

  it('every console route answers with the security headers; the redirector, the postback endpoint and health do not pay for them', async () => {
    const s = new ConsoleSession(app)
    await s.login()
    const gets = app.registeredRoutes.filter((r) => r.method === 'GET')
    let consoleRoutes = 0
    for (const route of gets) {
      const url = concrete(route.url)
      const res = await s.get(url)
      if (servesPages(route.url)) {
        consoleRoutes++
        const csp = String(res.headers['content-security-policy'])
        expect(csp, route.url).toContain("script-src 'self'")
        expect(csp, route.url).toContain("frame-ancestors 'none'")
        expect(csp, route.url).toContain("form-action 'self'")
        expect(res.headers['x-content-type-options'], route.url).toBe('nosniff')
        expect(res.headers['referrer-policy'], route.url).toBe('same-origin')
      } else {
        expect(res.headers['content-security-policy'], route.url).toBeUndefined()
      }
    }
    expect(consoleRoutes).toBeGreaterThan(8)
  })

  it('escapes every field a person or a network filled, on every page', async () => {
    const s = new ConsoleSession(app)
    await s.login(`Léa ${XSS}`)
    const pages = app.registeredRoutes.filter((r) => r.method === 'GET' && servesPages(r.url)).map((r) => concrete(r.url))
    const probes = [
      ...pages,
      `/admin/partners?q=${encodeURIComponent(XSS)}`,
      `/admin/payouts?partner=${ids.partner}&status=${encodeURIComponent(XSS)}`,
      `/ops/holds?partner=${encodeURIComponent(XSS)}`,
      `/login?next=${encodeURIComponent(XSS)}`,
    ]
    let html = 0
    for (const url of probes) {
      const res = await s.get(url)
      if (!String(res.headers['content-type']).startsWith('text/html')) continue
      html++
      // Our one script (the copy buttons, /assets/copy.js) aside, no script in any page.
      expect(res.body.replaceAll('<script src="/assets/copy.js" defer></script>', ''), url).not.toContain('<script')
      expect(res.body, url).not.toContain('<img src=x')
    }
    expect(html).toBeGreaterThan(8)
    // The markup is there, as text.
    expect((await s.get(`/admin/partners/${ids.partner}`)).body).toContain('Partenaire &quot;&gt;&lt;script&gt;')
  })

  it('writes no secret, token or cookie to any log line', async () => {
    // What tends to end up in logs: refusals, URLs, headers.
    await app.inject({ url: '/admin/monitoring?token=url-token-0123456789&secret=url-secret-0123', headers: { accept: 'text/html' } })
    await app.inject({ url: '/admin/api/networks', headers: { 'x-admin-secret': 'wrong-secret-typed-by-someone' } })
    await app.inject({
      url: `/aff/postback?network=${ids.slug}&token=wrong-token-0123456789&subid=1:1:a&txn_id=t&status=approved&amount=1`,
    })
    await app.inject({
      method: 'POST',
      url: '/aff/postback',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ network: ids.slug, token: ids.token, subid: '1:1:a', txn_id: 'log-json', status: 'approved', amount: '1' }),
    })
    await app.inject({ url: `/aff/postback?token=${ids.token}&${'x'.repeat(9000)}` })
    const s = new ConsoleSession(app)
    const form = await s.get('/login')
    const typed = await createAccount(app, { password: 'the-account-password-0123' })
    await s.post('/login', { _csrf: ConsoleSession.csrfOf(form.body), email: typed.email, password: 'wrong-login-password-0123456789' })
    await s.signIn(typed.email, typed.password)
    await api('PATCH', `/admin/api/networks/${ids.slug}`, { rotateToken: true })
    const rotated = (await t().db.network.findUnique({ where: { slug: ids.slug } }))!.postbackToken!
    const log = logLines.join('')
    expect(log.length).toBeGreaterThan(1_000)
    const secrets = {
      adminSecret: TEST_ADMIN_SECRET,
      sessionSecret: config.sessionSecret,
      ipHashSalt: config.ipHashSalt,
      postbackToken: ids.token,
      rotatedToken: rotated,
      urlToken: 'url-token-0123456789',
      urlSecret: 'url-secret-0123',
      wrongHeaderSecret: 'wrong-secret-typed-by-someone',
      wrongPostbackToken: 'wrong-token-0123456789',
      wrongLoginPassword: 'wrong-login-password-0123456789',
      accountPassword: typed.password,
      sessionCookie: decodeURIComponent(s.cookies.get(SESSION_COOKIE)!),
      csrfCookie: decodeURIComponent(s.cookies.get('cf_csrf')!),
    }
    const leaked = Object.entries(secrets)
      .filter(([, v]) => log.includes(v))
      .map(([k]) => k)
    expect(leaked).toEqual([])
  })
})
