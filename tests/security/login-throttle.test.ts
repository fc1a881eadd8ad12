// Guessing, and turning the guessing limits against others, on both databases:
// failed logins from one address slow that (account, address) pair only, with a
// 429 page and Retry-After during the delay; a burst sent at once is counted like
// the same guesses in a row; an unknown email answers and is throttled exactly as
// a known one; wrong x-admin-secret guesses get 429 from their address while the
// right secret from another address still passes.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { ConsoleSession, createAccount, type TestAccount } from '../helpers/console-session.ts'
import { delayAfter, LOGIN_THROTTLE, throttleKey } from '../../src/accounts/throttle.ts'

/** A login form posted from a chosen address, as an anonymous client does. */
async function attempt(app: FastifyInstance, address: string, email: string, password: string) {
  const s = new ConsoleSession(app)
  const page = await s.request({ method: 'GET', url: '/login', remoteAddress: address })
  return s.request({
    method: 'POST',
    url: '/login',
    remoteAddress: address,
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: ConsoleSession.csrfOf(page.body), email, password }).toString(),
  })
}

describeEachDatabase('login and admin-secret throttling', (t) => {
  let app: FastifyInstance
  let x: TestAccount
  let y: TestAccount

  beforeAll(async () => {
    app = await buildTestApp(t())
    x = await createAccount(app, { name: 'X', role: 'ops' })
    y = await createAccount(app, { name: 'Y', role: 'ops' })
  })
  afterAll(async () => app.close())

  it('ten failed logins from an anonymous address stop neither the same account from another address nor another account from that address', async () => {
    const attacker = '203.0.113.10'
    const statuses: number[] = []
    for (let i = 0; i < 10; i++) statuses.push((await attempt(app, attacker, x.email, `guess-${i}`)).statusCode)
    expect(statuses.slice(0, LOGIN_THROTTLE.freeFailures)).toEqual([401, 401, 401])
    expect(statuses.slice(LOGIN_THROTTLE.freeFailures).every((c) => c === 429)).toBe(true)
    // X, from the office.
    const fromOffice = await attempt(app, '198.51.100.20', x.email, x.password)
    expect(fromOffice.statusCode).toBe(303)
    // Y, from the attacker's own address.
    const ySameAddress = await attempt(app, attacker, y.email, y.password)
    expect(ySameAddress.statusCode).toBe(303)
    // X from the attacker's address waits, even with the right password.
    const blocked = await attempt(app, attacker, x.email, x.password)
    expect(blocked.statusCode).toBe(429)
    expect(blocked.headers['content-type']).toMatch(/text\/html/)
    expect(blocked.body).toContain('Trop de tentatives')
    const retryAfter = Number(blocked.headers['retry-after'])
    expect(retryAfter).toBeGreaterThan(0)
    expect(retryAfter).toBeLessThanOrEqual(LOGIN_THROTTLE.maxDelayMs / 1000)
  })

  it('the delay doubles with each failure after the free ones, up to a cap of minutes, and ends', async () => {
    expect([1, 2, 3, 4, 5, 6].map(delayAfter)).toEqual([0, 0, 5_000, 10_000, 20_000, 40_000])
    expect(delayAfter(50)).toBe(LOGIN_THROTTLE.maxDelayMs)
    const address = '203.0.113.11'
    for (let i = 0; i < 3; i++) await attempt(app, address, y.email, 'wrong-password')
    const waiting = await attempt(app, address, y.email, y.password)
    expect(waiting.statusCode).toBe(429)
    expect(Number(waiting.headers['retry-after'])).toBeLessThanOrEqual(5)
    // The delay over (moved into the past here rather than waited for), the right password signs in and clears the count.
    const key = throttleKey(y.email, address)
    await t().db.loginThrottle.update({ where: { key }, data: { blockedUntil: new Date(Date.now() - 1) } })
    expect((await attempt(app, address, y.email, y.password)).statusCode).toBe(303)
    expect(await t().db.loginThrottle.count({ where: { key } })).toBe(0)
  })

  it('a burst of guesses sent at once gets no more password checks than the same guesses in a row', async () => {
    const address = '203.0.113.12'
    const victim = await createAccount(app, { role: 'viewer' })
    const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => attempt(app, address, victim.email, `burst-${i}`)))
    const statuses = burst.map((r) => r.statusCode)
    expect(statuses.filter((c) => c === 401)).toHaveLength(LOGIN_THROTTLE.freeFailures)
    expect(statuses.filter((c) => c === 429)).toHaveLength(20 - LOGIN_THROTTLE.freeFailures)
  })

  it('an unknown email gets the same answer as a wrong password, and the same throttle', async () => {
    const address = '203.0.113.13'
    const known = await attempt(app, address, x.email, 'wrong-password')
    const unknown = await attempt(app, address, 'nobody@test.example', 'wrong-password')
    expect(unknown.statusCode).toBe(known.statusCode)
    const message = (html: string) => /<div class="flash flash--error" role="alert">([^<]*)<\/div>/.exec(html)?.[1]
    expect(message(unknown.body)).toBe(message(known.body))
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) statuses.push((await attempt(app, address, 'nobody@test.example', `guess-${i}`)).statusCode)
    expect(statuses).toEqual([401, 401, 429, 429]) // its first failure was above
    // Nor does the time say which emails exist: an unknown email costs a password check too.
    const time = async (email: string) => {
      const from = `203.0.113.${100 + Math.floor(Math.random() * 100)}`
      const start = performance.now()
      await attempt(app, from, email, 'wrong-password')
      return performance.now() - start
    }
    const knownMs = Math.min(await time(x.email), await time(y.email))
    const unknownMs = Math.min(await time('ghost-1@test.example'), await time('ghost-2@test.example'))
    expect(unknownMs).toBeGreaterThan(knownMs * 0.5)
  })

  it('addresses in one IPv6 /64 count as one', async () => {
    const victim = await createAccount(app, { role: 'viewer' })
    const statuses: number[] = []
    for (let i = 1; i <= 4; i++) statuses.push((await attempt(app, `2001:db8:1:2::${i}`, victim.email, 'wrong-password')).statusCode)
    expect(statuses).toEqual([401, 401, 401, 429])
    expect((await attempt(app, '2001:db8:9:9::1', victim.email, victim.password)).statusCode).toBe(303)
  })

  it('x-admin-secret guessing gets 429 from that address, while the right secret from another address passes', async () => {
    const guesser = '203.0.113.50'
    const statuses: number[] = []
    for (let i = 0; i < 12; i++) {
      const res = await app.inject({
        url: '/admin/api/partners',
        remoteAddress: guesser,
        headers: { 'x-admin-secret': `guess-${i}-of-a-plausible-length` },
      })
      statuses.push(res.statusCode)
    }
    expect(statuses.slice(0, 10).every((c) => c === 401)).toBe(true)
    expect(statuses.slice(10)).toEqual([429, 429])
    const limited = await app.inject({
      url: '/admin/api/partners',
      remoteAddress: guesser,
      headers: { 'x-admin-secret': 'one-more-guess' },
    })
    expect(limited.statusCode).toBe(429)
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0)
    expect(limited.json()).toEqual({ error: 'Too Many Requests' })
    // From the guessing address even the right secret waits: otherwise the guessing would go on.
    expect(
      (await app.inject({ url: '/admin/api/partners', remoteAddress: guesser, headers: { 'x-admin-secret': TEST_ADMIN_SECRET } }))
        .statusCode,
    ).toBe(429)
    // Automation elsewhere is not affected, nor are sessions from the guessing address.
    for (const address of ['198.51.100.30', '198.51.100.31', '2001:db8:77::1']) {
      expect(
        (await app.inject({ url: '/admin/api/partners', remoteAddress: address, headers: { 'x-admin-secret': TEST_ADMIN_SECRET } }))
          .statusCode,
        address,
      ).toBe(200)
    }
    const s = new ConsoleSession(app)
    await s.login({ role: 'viewer' })
    const viaSession = await s.request({ method: 'GET', url: '/admin/monitoring.json', remoteAddress: guesser })
    expect(viaSession.statusCode).toBe(200)
  })
})
