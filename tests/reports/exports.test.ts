// The raw exports of /admin/reports on both databases: the clicks CSV has every
// event of the days exactly once, in time order, whatever the page size (equal
// timestamps across pages, both kinds interleaved), and none outside them; the
// conversions CSV likewise; the row count announced matches.
import { afterAll, beforeAll, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { clicksCsv } from '../../src/reports/exports.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const DAY = 24 * 60 * 60 * 1000
const FROM = Date.UTC(2028, 4, 10)
const TO = Date.UTC(2028, 4, 12) // included: the range ends at 2028-05-13T00:00Z

const lines = (body: string) =>
  body
    .replace(/^\ufeff/, '')
    .trimEnd()
    .split('\r\n')

async function collect(gen: AsyncGenerator<string>): Promise<string> {
  let s = ''
  for await (const chunk of gen) s += chunk
  return s
}

describeEachDatabase('report exports', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => {
    await app.close()
  })

  it('streams every click of the days exactly once, in (ts, id) order, for any page size', async () => {
    const { database } = t()
    // Timestamps on a coarse grid so that many events share one; a day before and after the range too.
    const events = fc.sample(fc.record({ slot: fc.integer({ min: -30, max: 4 * 30 }), bot: fc.boolean() }), { seed: 30, numRuns: 150 })
    let n = 0
    const rows: ClickEventRow[] = events.map((e) => ({
      kind: e.bot ? 'bot' : 'click',
      ts: new Date(FROM - DAY + (e.slot + 30) * (DAY / 30) - (e.slot % 3 === 0 ? 1 : 0)),
      partnerId: null,
      assignmentId: null,
      offerId: null,
      clickId: `X${t().provider[0]}${String(++n).padStart(4, '0')}`,
      visitorHash: null,
      userAgent: e.bot ? 'Slackbot, "quoted"' : '=cmd|calc',
      referer: null,
      isUnique: true,
    }))
    for (let i = 0; i < rows.length; i += 13) await insertClickEvents(database, rows.slice(i, i + 13))
    const inRange = rows.filter((r) => r.ts.getTime() >= FROM && r.ts.getTime() < TO + DAY)
    expect(inRange.length).toBeGreaterThan(20)
    expect(inRange.length).toBeLessThan(rows.length)

    const range = { from: new Date(FROM), to: new Date(TO) }
    for (const pageRows of [1, 4, 7, 1000]) {
      const body = lines(await collect(clicksCsv(database, range, pageRows)))
      expect(body[0]).toBe('ts,click_id,kind,is_unique,partner_id,assignment_id,offer_id,referer,user_agent,s1,s2,s3,s4,s5')
      const ids = body.slice(1).map((l) => l.split(',')[1]!)
      expect(new Set(ids).size, `page ${pageRows}`).toBe(ids.length)
      expect([...ids].sort()).toEqual(inRange.map((r) => r.clickId).sort())
      const times = body.slice(1).map((l) => Date.parse(l.split(',')[0]!))
      expect(times).toEqual([...times].sort((a, b) => a - b))
    }

    // Through the route: the announced count, the file name, and a formula never left as one.
    const res = await app.inject({ method: 'GET', url: '/admin/reports/clicks.csv?from=2028-05-10&to=2028-05-12', headers: adminHeaders })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toMatch(/^text\/csv/)
    expect(res.headers['content-disposition']).toBe('attachment; filename="clicks-2028-05-10-2028-05-12.csv"')
    expect(Number(res.headers['x-row-count'])).toBe(inRange.length)
    expect(lines(res.body)).toHaveLength(inRange.length + 1)
    expect(res.body).not.toMatch(/,=cmd/)
    // The page announces the same count beside its link.
    const page = await app.inject({
      method: 'GET',
      url: '/admin/reports?from=2028-05-10&to=2028-05-12',
      headers: { ...adminHeaders, accept: 'text/html' },
    })
    expect(page.body.replace(/[\u00a0\u202f]/g, ' ')).toContain(`Clics bruts (CSV, ${inRange.length} lignes)`)
  })

  it('streams every conversion created in the days exactly once, with the count announced', async () => {
    const { db } = t()
    const network = await db.network.create({ data: { slug: `exp-${t().provider}`, name: 'Exp' } })
    const inRange: number[] = []
    for (let i = 0; i < 2300; i += 1) {
      const createdAt = new Date(FROM - DAY + (i % 5) * DAY + i)
      const e = await db.walletEntry.create({
        data: {
          type: 'conversion',
          status: i % 4 === 0 ? 'pending' : 'confirmed',
          amountCents: 100 + i,
          // Revenue as booked under revshare 50 %; the first entries have none (booked before terms).
          ...(i % 3 === 1 ? { revenueCents: 2 * (100 + i) } : {}),
          networkId: network.id,
          txnId: `E${i}`,
          createdAt,
        },
      })
      if (createdAt.getTime() >= FROM && createdAt.getTime() < TO + DAY) inRange.push(e.id)
      if (i >= 40) i += 100
    }
    const res = await app.inject({
      method: 'GET',
      url: '/admin/reports/conversions.csv?from=2028-05-10&to=2028-05-12',
      headers: adminHeaders,
    })
    expect(res.statusCode).toBe(200)
    const body = lines(res.body)
    expect(body[0]).toBe(
      'id,created_at,updated_at,status,revenue_cents,earnings_cents,original_amount,original_currency,fx_rate,network_id,txn_id,click_id,partner_id,assignment_id,flag',
    )
    const ids = body.slice(1).map((l) => Number(l.split(',')[0]))
    expect(ids).toEqual(inRange)
    // Each line's revenue and earnings are its entry's (revenue = earnings where none was kept).
    const stored = new Map((await db.walletEntry.findMany({ where: { id: { in: inRange } } })).map((e) => [e.id, e]))
    for (const line of body.slice(1)) {
      const [id, , , , revenue, earnings] = line.split(',')
      const e = stored.get(Number(id))!
      expect([Number(revenue), Number(earnings)]).toEqual([e.revenueCents ?? e.amountCents, e.amountCents])
    }
    expect(new Set(body.slice(1).map((l) => l.split(',')[4] === l.split(',')[5]))).toEqual(new Set([true, false]))
    expect(Number(res.headers['x-row-count'])).toBe(inRange.length)
  })

  it('refuses a bad period in French, on the console', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/admin/reports/clicks.csv?from=2028-05-12&to=2028-05-10',
      headers: { ...adminHeaders, accept: 'text/plain' },
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toMatch(/la date de début est après la date de fin/)
  })
})
