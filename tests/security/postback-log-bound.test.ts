// The postback log cannot be used to fill the disk: requests that fail
// authentication (unknown network, bad or missing token, source address not
// allowed, unreadable) are logged truncated, and past a few per second from one
// source only counted. Written as the attack, on both databases: 1,000 requests
// of ~70 KB each, then a valid postback from the same address still books.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, TEST_ADMIN_SECRET } from '../helpers/app.ts'

const RATE = 5
/** About 2 KB of query and body kept per line, and 20 × the per-source rate over all sources (unauthenticated-log.ts). */
const KEPT_CHARS = 2048
const OVERALL_FACTOR = 20
const isTruncated = (text: string | null) => text !== null && /…\[\d+ more characters not logged\]$/.test(text)
const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

describeEachDatabase('postback log bound', (t) => {
  let app: FastifyInstance
  let token = ''
  let subid = ''
  const logLines: string[] = []

  const storedBytes = async () => {
    const [row] = await t().db.$queryRawUnsafe<{ bytes: unknown; lines: unknown }[]>(
      'SELECT COALESCE(SUM(LENGTH(raw_query) + COALESCE(LENGTH(raw_body), 0)), 0) AS bytes, COUNT(*) AS lines FROM postback_logs',
    )
    return { bytes: Number(row!.bytes), lines: Number(row!.lines) }
  }
  const unlogged = async () =>
    (await app.metrics.registry.getSingleMetricAsString('contentflow_postbacks_unlogged_total')).match(/ (\d+)$/m)?.[1] ?? '0'

  beforeAll(async () => {
    const config = loadConfig({
      NODE_ENV: 'test',
      ADMIN_SECRET: TEST_ADMIN_SECRET,
      DATABASE_URL: t().url,
      LOG_LEVEL: 'warn',
      POSTBACK_UNAUTHENTICATED_LOG_RATE: String(RATE),
    })
    const stream = new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) })
    app = await buildApp(config, { database: t().database, logStream: stream })
    await app.ready()
    const api = async (url: string, payload: object) =>
      (await app.inject({ method: 'POST', url: `/admin/api${url}`, headers: adminHeaders, payload })).json<Record<string, unknown>>()
    const network = await api('/networks', { slug: 'bound', name: 'Bound', allowedIps: '203.0.113.0/24' })
    token = network.postbackToken as string
    const offer = await api('/offers', { network: 'bound', name: 'Offer', url: 'https://adv.example/o' })
    const partner = await api('/partners', { name: 'P' })
    const assignment = await api('/assignments', { partnerId: partner.id, offerId: offer.id, status: 'posted' })
    const click = await app.inject({ url: `/r/${assignment.code}`, headers: { 'user-agent': BROWSER } })
    subid = new URL(String(click.headers.location)).searchParams.get('subid')!
  })
  afterAll(async () => app.close())

  /** ~70 KB: a 6 KB query and a 63 KB body, of each kind that fails authentication. */
  const attack = (i: number, ip: string) => {
    const filler = 'x'.repeat(6_000)
    const body = `note=${'y'.repeat(63_000)}`
    const kinds: Record<string, string>[] = [
      { network: `nope-${i}` }, // unknown network
      { network: 'bound', token: `guess-${i}-0000000000` }, // bad token
      { network: 'bound' }, // missing token
    ]
    const q = new URLSearchParams({
      ...kinds[i % kinds.length]!,
      subid,
      txn_id: `ATT-${i}`,
      amount: '50000',
      status: 'approved',
      pad: filler,
    })
    return app.inject({
      method: 'POST',
      url: `/aff/postback?${q}`,
      payload: body,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: ip,
    })
  }

  it('1,000 unauthenticated ~70 KB requests from one address grow the log by a bounded amount; the rest are counted', async () => {
    const before = await storedBytes()
    const started = Date.now()
    const statuses: number[] = []
    for (let i = 0; i < 1000; i += 50) {
      const answers = await Promise.all(Array.from({ length: 50 }, (_, k) => attack(i + k, '198.51.100.7')))
      statuses.push(...answers.map((a) => a.statusCode))
    }
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1
    expect([...new Set(statuses)].sort()).toEqual([400, 403])
    const after = await storedBytes()
    const lines = after.lines - before.lines
    // A few per second of the attack, each cut to ~2 KB: not 70 MB.
    expect(lines).toBeGreaterThan(0)
    expect(lines).toBeLessThanOrEqual(RATE * seconds)
    expect(after.bytes - before.bytes).toBeLessThanOrEqual(lines * (KEPT_CHARS + 100))
    expect(Number(await unlogged())).toBe(1000 - lines)
    // What is kept is visibly cut, and carries no token.
    const kept = await t().db.postbackLog.findMany({ where: { sourceIp: '198.51.100.7' } })
    expect(kept).toHaveLength(lines)
    for (const l of kept) {
      expect(isTruncated(l.rawQuery) || isTruncated(l.rawBody)).toBe(true)
      expect(`${l.rawQuery}${l.rawBody}`).not.toContain(token)
    }
    // One warning per window in the server log, not one per request.
    const warnings = logLines.filter((l) => l.includes('over the log rate'))
    expect(warnings.length).toBeGreaterThan(0)
    expect(warnings.length).toBeLessThanOrEqual(seconds)
    expect(logLines.filter((l) => l.includes('postback refused: authentication')).length).toBeLessThanOrEqual(lines)

    // The network itself, from an address of its allow-list that also sent garbage: booked, logged in full.
    for (let i = 0; i < 20; i++) await attack(2000 + i, '203.0.113.9')
    const q = new URLSearchParams({
      network: 'bound',
      token,
      subid,
      txn_id: 'REAL-1',
      amount: '12,50',
      status: 'approved',
      pad: 'z'.repeat(6_000),
    })
    const real = await app.inject({ url: `/aff/postback?${q}`, remoteAddress: '203.0.113.9' })
    expect([real.statusCode, real.body]).toEqual([200, 'OK'])
    expect(await t().db.walletEntry.count({ where: { txnId: 'REAL-1' } })).toBe(1)
    const line = await t().db.postbackLog.findFirstOrThrow({ where: { rawQuery: { contains: 'REAL-1' } } })
    expect(line.rawQuery.length).toBeGreaterThan(6_000)
    expect(isTruncated(line.rawQuery)).toBe(false)
  })

  it('many source addresses together stay under the overall ceiling', async () => {
    const before = await storedBytes()
    const started = Date.now()
    for (let i = 0; i < 1000; i += 50)
      await Promise.all(Array.from({ length: 50 }, (_, k) => attack(i + k, `10.${(i + k) >> 8}.${(i + k) & 255}.1`)))
    const seconds = Math.ceil((Date.now() - started) / 1000) + 1
    const after = await storedBytes()
    expect(after.lines - before.lines).toBeLessThanOrEqual(RATE * OVERALL_FACTOR * seconds)
    expect(after.bytes - before.bytes).toBeLessThanOrEqual((after.lines - before.lines) * (KEPT_CHARS + 100))
  })
})
