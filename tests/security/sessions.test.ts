// Console sessions under attack, on both databases: cookies the server signed
// for something else (the old actor-name cookie `x.99999999999999`), a session
// cookie replayed after logout, after its account is disabled, after a password
// change and after an owner's revoke, idle and absolute expiry, a CSRF token
// carried from one session to another, and what a viewer or an ops account may
// not do. Each ends at the very next request: nothing is cached.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession, createAccount } from '../helpers/console-session.ts'
import { SESSION_COOKIE } from '../../src/plugins/admin-auth.ts'
import { sessionIdOf } from '../../src/accounts/sessions.ts'

const MINUTE = 60_000

describeEachDatabase('console sessions under attack', (t) => {
  let app: FastifyInstance
  let owner: ConsoleSession
  let partnerId: number

  beforeAll(async () => {
    app = await buildTestApp(t())
    owner = new ConsoleSession(app)
    await owner.login({ name: 'Owner' })
    partnerId = (await t().db.partner.create({ data: { name: 'Camille' } })).id
  })
  afterAll(async () => app.close())

  /** What a stolen or kept cookie opens: the JSON summary (200) or nothing (401). */
  const opens = async (cookieValue: string) => {
    const res = await app.inject({
      url: '/admin/monitoring.json',
      headers: { cookie: `${SESSION_COOKIE}=${encodeURIComponent(cookieValue)}` },
    })
    expect([200, 401]).toContain(res.statusCode)
    return res.statusCode === 200
  }
  const tokenOf = (s: ConsoleSession) => decodeURIComponent(s.cookies.get(SESSION_COOKIE)!)

  it('a login name that makes a server-signed cookie (`x.99999999999999`) is no session, and no cookie survives logout', async () => {
    // The old attack: a value the server signs for another purpose, shaped like "<id>.<expiry>".
    expect(await opens(app.signCookie('x.99999999999999'))).toBe(false)
    expect(await opens('x.99999999999999')).toBe(false)
    const s = new ConsoleSession(app)
    await s.login({ name: 'x.99999999999999' })
    const kept = new Map(s.cookies)
    expect(await opens(tokenOf(s))).toBe(true)
    await s.submit('/logout', '/logout', {})
    // Every cookie the browser ever held, as a session and as itself.
    for (const [name, value] of kept) {
      expect(await opens(decodeURIComponent(value)), name).toBe(false)
      const res = await app.inject({ url: '/admin/monitoring.json', headers: { cookie: `${name}=${value}` } })
      expect(res.statusCode, name).toBe(401)
    }
  })

  it('a session cookie replayed after logout opens nothing', async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'ops' })
    const token = tokenOf(s)
    expect(await opens(token)).toBe(true)
    const out = await s.submit('/logout', '/logout', {})
    expect(out.headers.location).toBe('/login?out=1')
    expect(await opens(token)).toBe(false)
    const row = await t().db.adminSession.findUniqueOrThrow({ where: { id: sessionIdOf(token) } })
    expect(row.revokedAt).not.toBeNull()
  })

  it('disabling an account ends its sessions at once, and it cannot sign in again until enabled', async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'ops' })
    const other = new ConsoleSession(app)
    await other.signIn(s.account!.email, s.account!.password)
    expect(await opens(tokenOf(s))).toBe(true)
    const res = await owner.submit(`/admin/users/${s.account!.id}`, `/admin/users/${s.account!.id}/disable`, {})
    expect(res.statusCode).toBe(303)
    expect(await opens(tokenOf(s))).toBe(false)
    expect(await opens(tokenOf(other))).toBe(false)
    const again = await new ConsoleSession(app).signIn(s.account!.email, s.account!.password)
    expect(again.statusCode).toBe(401)
    expect(again.body).toContain('Email ou mot de passe incorrect.') // the same answer as a wrong password
    await owner.submit(`/admin/users/${s.account!.id}`, `/admin/users/${s.account!.id}/enable`, {})
    expect((await new ConsoleSession(app).signIn(s.account!.email, s.account!.password)).statusCode).toBe(303)
    expect(await opens(tokenOf(s))).toBe(false) // enabling revives no old session
  })

  it('a password change ends every session of the account at once; the old password no longer signs in', async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'viewer' })
    const token = tokenOf(s)
    const res = await owner.submit(`/admin/users/${s.account!.id}`, `/admin/users/${s.account!.id}/password`, {
      password: 'a brand new pass phrase',
    })
    expect(res.statusCode).toBe(303)
    expect(await opens(token)).toBe(false)
    expect((await new ConsoleSession(app).signIn(s.account!.email, s.account!.password)).statusCode).toBe(401)
    expect((await new ConsoleSession(app).signIn(s.account!.email, 'a brand new pass phrase')).statusCode).toBe(303)
    // Through the API with the header secret, too.
    const api = new ConsoleSession(app)
    await api.signIn(s.account!.email, 'a brand new pass phrase')
    const patched = await app.inject({
      method: 'PATCH',
      url: `/admin/api/users/${s.account!.id}`,
      headers: adminHeaders,
      payload: { password: 'yet another pass phrase' },
    })
    expect(patched.statusCode).toBe(200)
    expect(await opens(tokenOf(api))).toBe(false)
  })

  it("an owner's revoke ends that one session at once, and only that one", async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'ops' })
    const second = new ConsoleSession(app)
    await second.signIn(s.account!.email, s.account!.password)
    const page = await owner.get(`/admin/users/${s.account!.id}`)
    expect(page.body).toContain('Sessions actives (2)')
    const res = await owner.post(`/admin/users/${s.account!.id}/sessions/revoke`, {
      _csrf: ConsoleSession.csrfOf(page.body),
      session: sessionIdOf(tokenOf(s)),
    })
    expect(res.statusCode).toBe(303)
    expect(await opens(tokenOf(s))).toBe(false)
    expect(await opens(tokenOf(second))).toBe(true)
    expect((await owner.get(`/admin/users/${s.account!.id}`)).body).toContain('Sessions actives (1)')
    // A session of another account cannot be revoked through this one's page.
    const stranger = new ConsoleSession(app)
    await stranger.login({ role: 'viewer' })
    await owner.submit(`/admin/users/${s.account!.id}`, `/admin/users/${s.account!.id}/sessions/revoke`, {
      session: sessionIdOf(tokenOf(stranger)),
    })
    expect(await opens(tokenOf(stranger))).toBe(true)
  })

  it('a session idle past the limit, or past its absolute expiry, opens nothing; activity keeps it alive', async () => {
    const db = t().db
    const s = new ConsoleSession(app)
    await s.login({ role: 'viewer' })
    const id = sessionIdOf(tokenOf(s))
    // 29 minutes idle: still alive, and the request moves lastSeenAt forward.
    await db.adminSession.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 29 * MINUTE) } })
    expect(await opens(tokenOf(s))).toBe(true)
    expect((await db.adminSession.findUniqueOrThrow({ where: { id } })).lastSeenAt.getTime()).toBeGreaterThan(Date.now() - MINUTE)
    // 31 minutes idle: ended.
    await db.adminSession.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 31 * MINUTE) } })
    expect(await opens(tokenOf(s))).toBe(false)
    // Active all along, but 8 hours after login: ended.
    const active = new ConsoleSession(app)
    await active.signIn(s.account!.email, s.account!.password)
    const activeId = sessionIdOf(tokenOf(active))
    const row = await db.adminSession.findUniqueOrThrow({ where: { id: activeId } })
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(8 * 60 * MINUTE)
    await db.adminSession.update({ where: { id: activeId }, data: { expiresAt: new Date(Date.now() - 1_000), lastSeenAt: new Date() } })
    expect(await opens(tokenOf(active))).toBe(false)
  })

  it('the limits come from SESSION_MAX_HOURS and SESSION_IDLE_MINUTES', async () => {
    const short = await buildTestApp(t(), { SESSION_MAX_HOURS: '1', SESSION_IDLE_MINUTES: '5' })
    try {
      const s = new ConsoleSession(short)
      await s.login({ role: 'viewer' })
      const id = sessionIdOf(tokenOf(s))
      const row = await t().db.adminSession.findUniqueOrThrow({ where: { id } })
      expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(60 * MINUTE)
      const cookie = `${SESSION_COOKIE}=${tokenOf(s)}`
      await t().db.adminSession.update({ where: { id }, data: { lastSeenAt: new Date(Date.now() - 6 * MINUTE) } })
      expect((await short.inject({ url: '/admin/monitoring.json', headers: { cookie } })).statusCode).toBe(401)
    } finally {
      await short.close()
    }
  })

  it('a CSRF token of session A is refused on session B, forms and API alike, and nothing is written', async () => {
    const a = new ConsoleSession(app)
    await a.login({ role: 'ops' })
    const b = new ConsoleSession(app)
    await b.login({ role: 'ops' })
    const tokenA = await a.csrfToken()
    const flags = await t().db.partnerFlag.count()
    const form = await b.post('/ops/holds', { _csrf: tokenA, partnerId: String(partnerId), reason: 'jeton de A' })
    expect(form.statusCode).toBe(403)
    expect(form.body).toContain('jeton CSRF')
    const api = await b.request({
      method: 'POST',
      url: `/admin/api/partners/${partnerId}/hold`,
      headers: { 'content-type': 'application/json', 'x-csrf-token': tokenA },
      payload: JSON.stringify({ reason: 'jeton de A' }),
    })
    expect(api.statusCode).toBe(403)
    // Even of the same account: every session has its own secret.
    const a2 = new ConsoleSession(app)
    await a2.signIn(a.account!.email, a.account!.password)
    expect((await a2.post('/ops/holds', { _csrf: tokenA, partnerId: String(partnerId), reason: 'jeton de A' })).statusCode).toBe(403)
    // The login form's token is no session token either.
    const loginToken = ConsoleSession.csrfOf((await new ConsoleSession(app).get('/login')).body)
    expect((await b.post('/ops/holds', { _csrf: loginToken, partnerId: String(partnerId), reason: 'jeton de login' })).statusCode).toBe(403)
    expect(await t().db.partnerFlag.count()).toBe(flags)
    // B's own token works: the refusals were about the token.
    const own = await b.post('/ops/holds', { _csrf: await b.csrfToken(), partnerId: String(partnerId), reason: 'jeton de B' })
    expect(own.statusCode).toBe(303)
    expect(await t().db.partnerFlag.count()).toBe(flags + 1)
    await app.inject({ method: 'DELETE', url: `/admin/api/partners/${partnerId}/hold?reason=fin`, headers: adminHeaders })
  })

  it('a viewer sees every page but changes nothing: a French 403 page for forms, JSON for the API', async () => {
    const v = new ConsoleSession(app)
    await v.login({ role: 'viewer' })
    for (const url of [
      '/admin/monitoring',
      '/ops/payouts/pending',
      '/ops/holds',
      '/admin/payouts',
      '/admin/partners',
      `/admin/partners/${partnerId}`,
    ]) {
      expect((await v.get(url)).statusCode, url).toBe(200)
    }
    const token = await v.csrfToken()
    const form = await v.post('/ops/holds', { _csrf: token, partnerId: String(partnerId), reason: 'lecteur' })
    expect(form.statusCode).toBe(403)
    expect(form.headers['content-type']).toMatch(/text\/html/)
    expect(form.body).toContain('Accès refusé')
    expect(form.body).toContain('lecture seule')
    expect(form.body).toContain('<nav class="nav"')
    const api = await v.request({
      method: 'POST',
      url: '/admin/api/partners',
      headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': token },
      payload: JSON.stringify({ name: 'Nouveau' }),
    })
    expect(api.statusCode).toBe(403)
    expect(api.json()).toEqual({ error: expect.stringContaining('lecture seule') })
    expect(await t().db.partner.count({ where: { name: 'Nouveau' } })).toBe(0)
    // The users page is for owners: not even to read.
    expect((await v.get('/admin/users')).statusCode).toBe(403)
    expect((await v.get('/admin/monitoring')).body).not.toContain('href="/admin/users"')
  })

  it('ops may change everything but users; an owner may manage users', async () => {
    const o = new ConsoleSession(app)
    await o.login({ role: 'ops' })
    const held = await o.submit('/ops/holds', '/ops/holds', { partnerId: String(partnerId), reason: 'ops peut' })
    expect(held.statusCode).toBe(303)
    expect(await t().db.partnerFlag.count({ where: { partnerId, clearedAt: null } })).toBe(1)
    await o.submit('/ops/holds', `/ops/holds/${partnerId}/lift`, { reason: 'ops peut lever' })
    expect((await o.get('/admin/users')).statusCode).toBe(403)
    const create = await o.post('/admin/users', {
      _csrf: await o.csrfToken(),
      email: 'escalade@test.example',
      name: 'X',
      role: 'owner',
      password: 'a long enough password',
    })
    expect(create.statusCode).toBe(403)
    const promote = await o.request({
      method: 'PATCH',
      url: `/admin/api/users/${o.account!.id}`,
      headers: { 'content-type': 'application/json', 'x-csrf-token': await o.csrfToken() },
      payload: JSON.stringify({ role: 'owner' }),
    })
    expect(promote.statusCode).toBe(403)
    expect(await t().db.user.count({ where: { email: 'escalade@test.example' } })).toBe(0)
    expect((await t().db.user.findUniqueOrThrow({ where: { id: o.account!.id } })).role).toBe('ops')
    expect((await owner.get('/admin/users')).statusCode).toBe(200)
  })

  it('a demoted account loses its rights at its next request, within the same session', async () => {
    const o = new ConsoleSession(app)
    await o.login({ role: 'ops' })
    const token = await o.csrfToken()
    await owner.submit(`/admin/users/${o.account!.id}`, `/admin/users/${o.account!.id}/role`, { role: 'viewer' })
    expect((await o.post('/ops/holds', { _csrf: token, partnerId: String(partnerId), reason: 'plus ops' })).statusCode).toBe(403)
  })

  it('the audit log names the account that acted', async () => {
    const o = new ConsoleSession(app)
    await o.login({ role: 'ops', name: 'Inès' })
    await o.submit('/ops/holds', '/ops/holds', { partnerId: String(partnerId), reason: 'audit du compte' })
    const set = await t().db.auditLog.findFirstOrThrow({ where: { action: 'hold.set' }, orderBy: { id: 'desc' } })
    expect(set.actor).toBe(o.account!.email)
    await app.inject({ method: 'DELETE', url: `/admin/api/partners/${partnerId}/hold?reason=fin`, headers: adminHeaders })
    const lift = await t().db.auditLog.findFirstOrThrow({ where: { action: 'hold.lift' }, orderBy: { id: 'desc' } })
    expect(lift.actor).toBe('admin-api')
    // Onboarding through the API with a session is the account too.
    const res = await o.request({
      method: 'POST',
      url: '/admin/api/partners',
      headers: { 'content-type': 'application/json', 'x-csrf-token': await o.csrfToken() },
      payload: JSON.stringify({ name: 'Par Inès' }),
    })
    expect(res.statusCode).toBe(201)
    const created = await t().db.auditLog.findFirstOrThrow({ where: { action: 'partner.create' }, orderBy: { id: 'desc' } })
    expect(created.actor).toBe(o.account!.email)
  })

  it('the session row never holds the cookie token', async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'viewer' })
    const token = tokenOf(s)
    const rows = await t().db.adminSession.findMany()
    expect(JSON.stringify(rows)).not.toContain(token)
    expect(rows.some((r) => r.id === sessionIdOf(token))).toBe(true)
  })

  it('accounts are made once per email, whatever its case, with a clear 400 for bad input', async () => {
    const made = await createAccount(app, { email: 'Double@Test.Example', role: 'viewer' })
    expect(made.email).toBe('double@test.example')
    const again = await app.inject({
      method: 'POST',
      url: '/admin/api/users',
      headers: adminHeaders,
      payload: { email: 'double@test.example', name: 'Deux', role: 'ops', password: 'another long password' },
    })
    expect(again.statusCode).toBe(409)
    expect(again.json().error).toContain('double@test.example')
    const bad = [
      [{ email: 'nope', name: 'N', role: 'ops', password: 'a long enough password' }, /email/],
      [{ email: 'n@test.example', name: 'N', role: 'admin', password: 'a long enough password' }, /rôle/],
      [{ email: 'n@test.example', name: 'N', role: 'ops', password: 'short' }, /12 caractères/],
      [{ email: 'n@test.example', name: '', role: 'ops', password: 'a long enough password' }, /nom/],
      // Refused by the edge's text check or by the account's own rule, whichever comes first.
      [{ email: 'n@test.example', name: 'N\u0000ul', role: 'ops', password: 'a long enough password' }, /nom|name/],
      [{ email: 'n@test.example', name: 'N\ud800', role: 'ops', password: 'a long enough password' }, /nom|name/],
      [{ email: 'n\u0000@test.example', name: 'N', role: 'ops', password: 'a long enough password' }, /email/],
      [{ email: 'n@test.example', name: 'N', role: 'ops', password: 'a long enough password', isAdmin: true }, /isAdmin/],
    ] as const
    for (const [payload, reason] of bad) {
      const res = await app.inject({ method: 'POST', url: '/admin/api/users', headers: adminHeaders, payload })
      expect(res.statusCode, JSON.stringify(payload)).toBe(400)
      expect(res.json().error).toMatch(reason)
      expect(res.json().error).not.toContain('\n')
    }
    expect(
      (
        await app.inject({
          method: 'POST',
          url: '/admin/api/users',
          payload: { email: 'anon@test.example', name: 'A', role: 'owner', password: 'a long enough password' },
        })
      ).statusCode,
    ).toBe(401)
  })
})
