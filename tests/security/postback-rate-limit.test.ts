// The per-source rate limit of /aff/postback, on both databases: over the limit
// a 429 with Retry-After, a warning in the server log, the refused postback still
// in the postback log (and replayable); other sources and the redirector are not
// touched; a new window lets the source in again.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { POSTBACK_RATE_WINDOW_MS } from '../../src/plugins/postback-rate-limit.ts'
import { replayPostbacks } from '../../src/postbacks/replay.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'

const LIMIT = 5

describeEachDatabase('postback rate limit per source', (t) => {
  let app: FastifyInstance
  let link: BenchLink
  const logLines: string[] = []

  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      ADMIN_SECRET: TEST_ADMIN_SECRET,
      DATABASE_URL: t().url,
      LOG_LEVEL: 'warn',
      POSTBACK_RATE_LIMIT: String(LIMIT),
    })
    const stream = new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) })
    app = await buildApp(config, { database: t().database, logStream: stream })
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    // Onboarding and its click come from 127.0.0.1; the postbacks below from other addresses.
    link = await onboardBenchLink(`http://127.0.0.1:${port}`, TEST_ADMIN_SECRET, 'limited')
  })
  afterAll(async () => app.close())

  const postback = (ip: string, txn: string) =>
    app.inject({ url: `${link.postbackUrl.replace(/^http:\/\/[^/]+/, '')}&txn_id=${txn}`, remoteAddress: ip })
  const entries = (prefix: string) => t().db.walletEntry.count({ where: { txnId: { startsWith: prefix } } })
  const logsFrom = (ip: string) => t().db.postbackLog.findMany({ where: { sourceIp: ip }, orderBy: { id: 'asc' } })
  /** n postbacks from one address at once: one burst, well inside one window. */
  const burst = (ip: string, prefix: string, n: number) => Promise.all(Array.from({ length: n }, (_, i) => postback(ip, `${prefix}-${i}`)))

  it('answers 429 with Retry-After over the limit, logs the refused postbacks, warns once; nothing is lost', async () => {
    const ip = '203.0.113.50'
    const answers = await burst(ip, 'burst', LIMIT + 3)
    const statuses = answers.map((r) => r.statusCode).sort()
    expect(statuses).toEqual([...Array(LIMIT).fill(200), 429, 429, 429])
    for (const r of answers.filter((a) => a.statusCode === 429)) {
      expect(Number(r.headers['retry-after'])).toBeGreaterThanOrEqual(1)
      expect(Number(r.headers['retry-after'])).toBeLessThanOrEqual(Math.ceil(POSTBACK_RATE_WINDOW_MS / 1000))
      expect(r.body).toBe('ERROR rate limited: too many postbacks from this source, retry later')
      expect(r.headers['x-ratelimit-limit']).toBeUndefined()
    }
    expect(await entries('burst')).toBe(LIMIT)
    // Every request is in the postback log; the throttled ones as rejected, token masked.
    const logged = await logsFrom(ip)
    expect(logged).toHaveLength(LIMIT + 3)
    const throttled = logged.filter((l) => l.outcome === 'rejected')
    expect(throttled).toHaveLength(3)
    for (const l of throttled) {
      expect(l.reason).toMatch(/^rate limited/)
      expect(l.rawQuery).not.toContain(link.token)
      expect(l.networkSlug).toBe('limited')
    }
    // The server log names the source once, with no token.
    const warnings = logLines.filter((l) => l.includes('per-source rate limit'))
    expect(warnings).toHaveLength(1)
    expect(warnings[0]).toContain(ip)
    expect(logLines.join('')).not.toContain(link.token)
    // A replay (the operator's, if the network never retried) applies them: nothing lost.
    const replayed = await replayPostbacks(app.tracking.postbacks, { ids: throttled.map((l) => l.id) })
    expect(replayed.map((r) => r.after)).toEqual(['accepted', 'accepted', 'accepted'])
    expect(await entries('burst')).toBe(LIMIT + 3)
  })

  it('counts each source on its own; the redirector is never limited', async () => {
    const ip = '203.0.113.60'
    await burst(ip, 'first', LIMIT)
    expect((await postback(ip, 'first-over')).statusCode).toBe(429)
    // Another network server is not affected.
    expect((await postback('198.51.100.61', 'other-source')).statusCode).toBe(200)
    // Clicks from the throttled address still go through, without the limiter's headers.
    for (let i = 0; i < LIMIT * 3; i++) {
      const click = await app.inject({ url: `/r/${link.code}`, remoteAddress: ip, headers: { 'user-agent': 'Mozilla/5.0 (limit test)' } })
      expect(click.statusCode).toBe(302)
      expect(click.headers['x-ratelimit-limit']).toBeUndefined()
      expect(click.headers['retry-after']).toBeUndefined()
    }
  })

  it('a source that ignores the 429s gets its refusals logged up to the limit again, then only counted', async () => {
    const ip = '203.0.113.70'
    const answers = await burst(ip, 'flood', LIMIT * 4)
    expect(answers.filter((r) => r.statusCode === 429)).toHaveLength(LIMIT * 3)
    const logged = await logsFrom(ip)
    expect(logged.filter((l) => l.outcome !== 'rejected')).toHaveLength(LIMIT)
    expect(logged.filter((l) => l.outcome === 'rejected')).toHaveLength(LIMIT)
  })

  it('lets the source in again in the next window', async () => {
    const ip = '203.0.113.80'
    await burst(ip, 'again', LIMIT + 1)
    expect((await postback(ip, 'again-over')).statusCode).toBe(429)
    await new Promise((r) => setTimeout(r, POSTBACK_RATE_WINDOW_MS + 100))
    const next = await postback(ip, 'again-later')
    expect([next.statusCode, next.body]).toEqual([200, 'OK'])
  })
})

describeEachDatabase('postback rate limit off', (t) => {
  it('POSTBACK_RATE_LIMIT=0 limits nothing', async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      ADMIN_SECRET: TEST_ADMIN_SECRET,
      DATABASE_URL: t().url,
      LOG_LEVEL: 'silent',
      POSTBACK_RATE_LIMIT: '0',
    })
    const app = await buildApp(config, { database: t().database, logger: false })
    try {
      const answers = await Promise.all(
        Array.from({ length: 30 }, () => app.inject({ url: '/aff/postback?network=nope', remoteAddress: '203.0.113.90' })),
      )
      expect(answers.map((r) => r.statusCode)).toEqual(Array(30).fill(400))
    } finally {
      await app.close()
    }
  })
})
