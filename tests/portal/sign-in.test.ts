// The portal's sign-in on both databases: a link works once and for 15 minutes,
// asking for one answers the same for any email, requests are throttled per
// email and per address, sessions end at logout, and in production the link is
// in no log line.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { makeSignInToken, useSignInToken } from '../../src/portal/magic-links.ts'
import { createPortalSession, findPortalSession } from '../../src/portal/sessions.ts'
import { buildTestApp, testConfig } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { opsLinkFor, pathOf, PortalSession } from './portal-session.ts'

const MINUTE = 60_000

describeEachDatabase('portal sign-in', (t) => {
  let app: FastifyInstance
  let partnerId = 0

  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())
  beforeEach(async () => {
    partnerId = (await t().db.partner.create({ data: { name: 'Camille', email: `Camille.${Date.now()}@Example.com` } })).id
  })

  it('a link from the ops API signs in once; the second use is refused and opens nothing', async () => {
    const url = await opsLinkFor(app, partnerId)
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/p\/auth\?token=[A-Za-z0-9_-]{43}$/)
    const first = new PortalSession(app)
    expect((await first.useLink(url)).headers.location).toBe('/p')
    const overview = await first.get('/p')
    expect(overview.statusCode).toBe(200)
    expect(overview.body).toContain('Bonjour Camille')

    const second = new PortalSession(app)
    const again = await second.useLink(url)
    expect(again.statusCode).toBe(303)
    expect(again.headers.location).toBe('/p/login?expired=1')
    const refused = await second.get('/p')
    expect(refused.statusCode).toBe(302)
    expect(refused.headers.location).toBe('/p/login')
    expect((await second.get('/p/login?expired=1')).body).toContain('Ce lien a déjà servi ou a expiré')
  })

  it('a link works until 15 minutes after it was made, not at 15 minutes', async () => {
    const made = new Date('2026-03-01T10:00:00Z')
    const token = await makeSignInToken(t().database, partnerId, made)
    expect(await useSignInToken(t().database, token, new Date(made.getTime() + 15 * MINUTE))).toBeNull()
    const other = await makeSignInToken(t().database, partnerId, made)
    expect(await useSignInToken(t().database, other, new Date(made.getTime() + 15 * MINUTE - 1))).toBe(partnerId)
    expect(await useSignInToken(t().database, 'not-a-token', made)).toBeNull()
  })

  it('asking for a link answers the same for a partner’s email and an unknown one; only the partner gets a link', async () => {
    const ask = async (email: string, address: string) => {
      const s = new ConsoleSession(app)
      const form = await s.get('/p/login')
      const res = await s.request({
        method: 'POST',
        url: '/p/login',
        remoteAddress: address,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: ConsoleSession.csrfOf(form.body), email }).toString(),
      })
      return { status: res.statusCode, text: /data-sent>([^<]*)</.exec(res.body)?.[1] }
    }
    const partner = await t().db.partner.findUniqueOrThrow({ where: { id: partnerId } })
    const before = await t().db.portalLink.count({ where: { partnerId } })
    const known = await ask(partner.email!.toUpperCase(), '198.51.100.1')
    const unknown = await ask(`nobody.${Date.now()}@example.com`, '198.51.100.2')
    expect(known.status).toBe(200)
    expect(unknown).toEqual(known)
    expect(known.text).toContain('Si cette adresse est celle d’un compte partenaire')
    expect(await t().db.portalLink.count({ where: { partnerId } })).toBe(before + 1)
  })

  it('throttles requests per email (any address) and per address (any email)', async () => {
    const ask = async (email: string, address: string) => {
      const s = new ConsoleSession(app)
      const form = await s.get('/p/login')
      return s.request({
        method: 'POST',
        url: '/p/login',
        remoteAddress: address,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({ _csrf: ConsoleSession.csrfOf(form.body), email }).toString(),
      })
    }
    const email = `someone.${Date.now()}@example.com`
    for (let i = 0; i < 3; i++) expect((await ask(email, `203.0.113.${i + 1}`)).statusCode).toBe(200)
    const fourth = await ask(email, '203.0.113.50')
    expect(fourth.statusCode).toBe(429)
    expect(fourth.headers['retry-after']).toMatch(/^\d+$/)
    expect(fourth.body).toContain('Trop de demandes')

    for (let i = 0; i < 10; i++) expect((await ask(`x${i}.${Date.now()}@example.com`, '203.0.113.99')).statusCode).toBe(200)
    expect((await ask(`y.${Date.now()}@example.com`, '203.0.113.99')).statusCode).toBe(429)
    // Another address is not slowed by that one.
    expect((await ask(`y.${Date.now()}@example.com`, '203.0.113.100')).statusCode).toBe(200)
  })

  it('a session ends after 2 hours without a request, and 7 days after sign-in whatever happens', async () => {
    const db = t().database
    const from = { ip: '192.0.2.1', userAgent: 'test' }
    const t0 = new Date('2026-03-01T10:00:00Z')
    const idle = await createPortalSession(db, partnerId, from, t0)
    expect(await findPortalSession(db, idle.token, new Date(t0.getTime() + 119 * MINUTE))).toMatchObject({ partnerId })
    // That request counted as activity: two hours after it, not after sign-in, the session ends.
    expect(await findPortalSession(db, idle.token, new Date(t0.getTime() + 200 * MINUTE))).toMatchObject({ partnerId })
    expect(await findPortalSession(db, idle.token, new Date(t0.getTime() + 320 * MINUTE))).toBeNull()
    const busy = await createPortalSession(db, partnerId, from, t0)
    let at = t0.getTime()
    for (; at < t0.getTime() + 7 * 24 * 60 * MINUTE - 90 * MINUTE; at += 90 * MINUTE)
      expect(await findPortalSession(db, busy.token, new Date(at))).not.toBeNull()
    expect(await findPortalSession(db, busy.token, new Date(t0.getTime() + 7 * 24 * 60 * MINUTE))).toBeNull()
  })

  it('logout ends the session on the server: the old cookie opens nothing', async () => {
    const s = new PortalSession(app)
    await s.signInAs(app, partnerId)
    const cookie = s.cookies.get('cf_portal')!
    const out = await s.post('/p/logout', { _csrf: await s.portalCsrf() })
    expect(out.headers.location).toBe('/p/login?out=1')
    const res = await app.inject({ method: 'GET', url: '/p/api/summary', headers: { cookie: `cf_portal=${cookie}` } })
    expect(res.statusCode).toBe(401)
  })

  it('a console session is no portal session, and a portal POST without its token is refused', async () => {
    const ops = new ConsoleSession(app)
    await ops.login({ role: 'owner', name: 'Owner' })
    expect((await ops.request({ method: 'GET', url: '/p/api/summary' })).statusCode).toBe(401)
    const s = new PortalSession(app)
    await s.signInAs(app, partnerId)
    const res = await s.post('/p/payouts', { amount: '60' })
    expect(res.statusCode).toBe(403)
    expect(await t().db.payout.count({ where: { partnerId } })).toBe(0)
  })

  it('in production the link is in no log line; in development it is in exactly one', async () => {
    for (const env of ['production', 'development'] as const) {
      const lines: string[] = []
      const stream = new Writable({
        write(chunk: Buffer, _enc, done) {
          lines.push(...chunk.toString('utf8').split('\n').filter(Boolean))
          done()
        },
      })
      // HOST a wildcard: where a link built on the request's host would take a forged Host header.
      const config = testConfig(t(), { NODE_ENV: env, LOG_LEVEL: 'info', HOST: '0.0.0.0', PORT: '3999' })
      const logged = await buildApp(config, { database: t().database, logStream: stream })
      await logged.ready()
      try {
        const email = `log.${env}.${Date.now()}@example.com`
        const id = (await t().db.partner.create({ data: { name: 'Log', email } })).id
        const s = new ConsoleSession(logged)
        const form = await s.get('/p/login')
        await s.request({
          method: 'POST',
          url: '/p/login',
          headers: { host: 'evil.example', 'content-type': 'application/x-www-form-urlencoded' },
          payload: new URLSearchParams({ _csrf: ConsoleSession.csrfOf(form.body), email }).toString(),
        })
        const link = await t().db.portalLink.findFirstOrThrow({ where: { partnerId: id } })
        // The emailed token is not stored; in development it is read back from its one log line.
        const tokens = lines.flatMap((l) => /token=([A-Za-z0-9_-]{43})/.exec(l)?.[1] ?? [])
        if (env === 'production') {
          expect(tokens).toEqual([])
          expect(lines.some((l) => l.includes('SMTP_URL is not set'))).toBe(true)
        } else {
          expect(tokens).toHaveLength(1)
          // The link is on HOST:PORT (no PUBLIC_BASE_URL here), whatever Host the request claimed.
          expect(lines.find((l) => l.includes(tokens[0]!))).toContain(`"signInUrl":"http://0.0.0.0:3999/p/auth?token=${tokens[0]}"`)
          expect(link.usedAt).toBeNull()
          // Opening and using it logs requests whose token is masked.
          const p = new PortalSession(logged)
          const url = `http://x/p/auth?token=${tokens[0]}`
          expect((await p.useLink(url)).headers.location).toBe('/p')
          expect(lines.filter((l) => l.includes(tokens[0]!))).toHaveLength(1)
        }
        // An ops link is never logged either.
        const opsUrl = await opsLinkFor(logged, id)
        const opsToken = new URL(opsUrl).searchParams.get('token')!
        const p = new PortalSession(logged)
        await p.get(pathOf(opsUrl))
        expect(lines.filter((l) => l.includes(opsToken))).toEqual([])
      } finally {
        await logged.close()
      }
    }
  })
})
