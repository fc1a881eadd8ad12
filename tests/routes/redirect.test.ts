// GET|HEAD /r/:code on real databases: the 302, the sub-id in the network's
// parameter, clicks durably recorded before the answer (group commit), bots,
// uniqueness, 404s without leaks, no open redirect, cache invalidation.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const BROWSER = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15'
const OFFER_URL = 'https://shop.example/landing?affid=CF02&lang=fr#offre'

describeEachDatabase('click redirector', (t) => {
  let app: FastifyInstance
  let code = ''
  let partnerId = 0
  let assignmentId = 0
  let offerId = 0

  const api = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const click = (c: string, headers: Record<string, string> = {}, method: 'GET' | 'HEAD' = 'GET', remoteAddress = '198.51.100.23') =>
    app.inject({ method, url: `/r/${c}`, headers: { 'user-agent': BROWSER, ...headers }, remoteAddress })
  const eventOf = (location: string) => {
    const clickId = new URL(location).searchParams.get('sid')!.split('_')[2]!
    return t().db.metricEvent.findUnique({ where: { clickId } })
  }

  beforeAll(async () => {
    app = await buildTestApp(t())
    await api('POST', '/networks', { slug: 'net', name: 'Net', subidParam: 'sid', subidSeparator: '_' })
    offerId = (await api('POST', '/offers', { network: 'net', name: 'Shop', url: OFFER_URL })).id as number
    partnerId = (await api('POST', '/partners', { name: 'Hugo' })).id as number
    const a = await api('POST', '/assignments', { partnerId, offerId, status: 'posted' })
    code = a.code as string
    assignmentId = a.id as number
  })
  afterAll(async () => app.close())

  it('answers 302 to the offer URL with the sub-id in the network parameter, query and fragment kept', async () => {
    const res = await click(code, { referer: 'https://blog.example/article-1' })
    expect(res.statusCode).toBe(302)
    expect(res.headers['cache-control']).toContain('no-store')
    const location = String(res.headers.location)
    expect(location).toMatch(
      new RegExp(`^https://shop\\.example/landing\\?affid=CF02&lang=fr&sid=${partnerId}_${assignmentId}_[A-Za-z0-9]{22}#offre$`),
    )
    const event = await eventOf(location)
    expect(event).toMatchObject({
      kind: 'click',
      partnerId,
      assignmentId,
      offerId,
      referer: 'https://blog.example/article-1',
      userAgent: BROWSER,
      isUnique: true,
    })
    expect(event!.visitorHash).toMatch(/^[A-Za-z0-9_-]{22}$/)
    // the raw IP is stored nowhere
    expect(JSON.stringify(event)).not.toContain('198.51.100.23')
  })

  it('counts each redirect in the request metrics, by method and status, with its latency', async () => {
    const scrape = async () => (await app.inject({ url: '/metrics', headers: adminHeaders })).body
    const number = (body: string, pattern: string) => Number(new RegExp(pattern).exec(body)?.[1] ?? 0)
    const redirects = (body: string, method: string) =>
      number(body, `contentflow_http_requests_total\\{method="${method}",route="/r/:code",status="302",app="contentflow"\\} (\\d+)`)
    const timed = (body: string) =>
      number(body, `contentflow_http_request_duration_seconds_count\\{app="contentflow",route="/r/:code"\\} (\\d+)`)
    const before = await scrape()
    expect((await click(code)).statusCode).toBe(302)
    expect((await click(code)).statusCode).toBe(302)
    const head = await click(code, {}, 'HEAD')
    expect(head.statusCode).toBe(302)
    expect(head.headers['content-length']).toBe('0')
    const after = await scrape()
    expect(redirects(after, 'GET') - redirects(before, 'GET')).toBe(2)
    expect(redirects(after, 'HEAD') - redirects(before, 'HEAD')).toBe(1)
    expect(timed(after) - timed(before)).toBe(3)
  })

  it('every click is in the database when its 302 is answered', async () => {
    const clicks = app.tracking.tracker.clicks
    const before = clicks.stats.rows
    let answered = 0
    const lag: number[] = []
    await Promise.all(
      Array.from({ length: 120 }, () =>
        click(code).then((res) => {
          expect(res.statusCode).toBe(302)
          answered++
          // Committed rows can never be fewer than the redirects already answered.
          lag.push(answered - (clicks.stats.rows - before))
        }),
      ),
    )
    expect(Math.max(...lag)).toBeLessThanOrEqual(0)
  })

  it('many concurrent clicks: all in the database, written in batches, rollup equal to the events', async () => {
    const { db } = t()
    const clicks = app.tracking.tracker.clicks
    const eventsBefore = await db.metricEvent.count()
    const batchesBefore = clicks.stats.batches
    const responses = await Promise.all(Array.from({ length: 400 }, (_, i) => click(code, { 'user-agent': `${BROWSER} v${i}` })))
    expect(responses.every((r) => r.statusCode === 302)).toBe(true)
    expect(await db.metricEvent.count()).toBe(eventsBefore + 400)
    const batches = clicks.stats.batches - batchesBefore
    expect(batches).toBeLessThan(400)
    expect(clicks.stats.maxBatchRows).toBeGreaterThan(1)
    for (const kind of ['click', 'bot']) {
      const rollup = await db.clickRollup.aggregate({ _sum: { count: true }, where: { kind } })
      expect(rollup._sum.count ?? 0, kind).toBe(await db.metricEvent.count({ where: { kind } }))
    }
  })

  it('resolves a live link from memory: no database read per click', async () => {
    const links = app.tracking.tracker.links
    await click(code)
    const loads = links.stats.loads
    await Promise.all(Array.from({ length: 50 }, () => click(code)))
    expect(links.stats.loads).toBe(loads)
  })

  it('link-preview bots and HEAD requests are redirected but recorded as bots', async () => {
    for (const [headers, method] of [
      [{ 'user-agent': 'Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)' }, 'GET'],
      [{ 'user-agent': 'facebookexternalhit/1.1' }, 'GET'],
      [{ 'user-agent': 'Twitterbot/1.0' }, 'GET'],
      [{}, 'HEAD'],
    ] as const) {
      const res = await click(code, headers, method)
      expect(res.statusCode).toBe(302)
      expect((await eventOf(String(res.headers.location)))?.kind, JSON.stringify([headers, method])).toBe('bot')
    }
  })

  it('the same visitor on the same link within the hour is recorded but not unique', async () => {
    const ua = { 'user-agent': `${BROWSER} unique-test` }
    const first = await eventOf(String((await click(code, ua, 'GET', '203.0.113.50')).headers.location))
    const again = await eventOf(String((await click(code, ua, 'GET', '203.0.113.50')).headers.location))
    const otherIp = await eventOf(String((await click(code, ua, 'GET', '203.0.113.51')).headers.location))
    expect([first?.isUnique, again?.isUnique, otherIp?.isUnique]).toEqual([true, false, true])
    expect(again?.visitorHash).toBe(first?.visitorHash)
  })

  it('unknown or malformed codes get a plain 404 page', async () => {
    for (const c of ['nosuchcode', 'abc', '..%2F..%2Fetc%2Fpasswd', '%2F%2Fevil.example', 'x'.repeat(150)]) {
      const res = await click(c)
      expect(res.statusCode, c).toBe(404)
      expect(res.headers['content-type']).toMatch(/text\/html/)
      expect(res.body).not.toMatch(/shop\.example|stack|Error/)
      expect(res.headers.location).toBeUndefined()
    }
  })

  it('no value from the request ever becomes the target (no open redirect)', async () => {
    const attempts = [
      `/r/${code}?url=https://evil.example/&redirect=//evil.example&next=https%3A%2F%2Fevil.example&sid=evil`,
      `/r/${code}?sid=1_1_forged`,
      `/r/${code}/..%2F%2Fevil.example`,
      `/r//evil.example`,
      `/r/https:%2F%2Fevil.example`,
    ]
    for (const url of attempts) {
      const res = await app.inject({
        url,
        headers: { 'user-agent': BROWSER, host: 'evil.example', 'x-forwarded-host': 'evil.example', referer: 'https://evil.example/' },
      })
      if (res.statusCode === 302) {
        const target = new URL(String(res.headers.location))
        expect(target.host, url).toBe('shop.example')
        expect(target.searchParams.getAll('sid'), url).toHaveLength(1)
        expect(target.searchParams.get('sid'), url).toMatch(new RegExp(`^${partnerId}_${assignmentId}_[A-Za-z0-9]{22}$`))
        expect(String(res.headers.location)).not.toContain('evil')
      } else {
        expect(res.statusCode, url).toBe(404)
      }
    }
  })

  it('a paused offer or a failed assignment answers 404 at once; resuming brings the link back', async () => {
    expect((await click(code)).statusCode).toBe(302)
    await api('PATCH', `/offers/${offerId}`, { active: false })
    const paused = await click(code)
    expect(paused.statusCode).toBe(404)
    expect(paused.body).not.toContain('shop.example')
    await api('PATCH', `/offers/${offerId}`, { active: true })
    expect((await click(code)).statusCode).toBe(302)

    const b = await api('POST', '/assignments', { partnerId, offerId, status: 'approved' })
    expect((await click(b.code as string)).statusCode).toBe(302)
    await api('PATCH', `/assignments/${b.id}`, { status: 'failed' })
    expect((await click(b.code as string)).statusCode).toBe(404)
  })

  it('a network change (new sub-id parameter) reaches its links at once', async () => {
    await api('PATCH', '/networks/net', { subidParam: 'clickref', subidSeparator: ':' })
    const target = new URL(String((await click(code)).headers.location))
    expect(target.searchParams.get('clickref')).toMatch(new RegExp(`^${partnerId}:${assignmentId}:`))
    expect(target.searchParams.has('sid')).toBe(false)
    await api('PATCH', '/networks/net', { subidParam: 'sid', subidSeparator: '_' })
  })

  it('stopping the server writes the clicks still queued', async () => {
    const second = await buildTestApp(t())
    const clicks = second.tracking.tracker.clicks
    const clickId = 'QUEUEDATCLOSEaaaaaaaaa'
    const acknowledged = clicks.record({
      kind: 'click',
      ts: new Date(),
      partnerId,
      assignmentId,
      offerId,
      clickId,
      visitorHash: null,
      userAgent: null,
      referer: null,
      isUnique: true,
    })
    await second.close()
    expect(await acknowledged).toBe(true)
    expect(await t().db.metricEvent.findUnique({ where: { clickId } })).not.toBeNull()
  })
})
