// The report (GET /admin/api/reports and /admin/reports.csv) against an
// independent count of the raw events, for every grouping, over random clicks and
// conversions (fast-check, seeded), on both databases: each run writes into its
// own year, so runs never see each other's data.
import { afterAll, beforeAll, expect, it } from 'vitest'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { describeEachDatabase, type TestDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const DAY = 24 * 60 * 60 * 1000
const STATUSES = ['pending', 'confirmed', 'rejected', 'reversed'] as const
const GROUPINGS = ['day', 'partner', 'offer', 'network', 'subid'] as const
type Grouping = (typeof GROUPINGS)[number]

interface Expected {
  clicks: number
  uniqueClicks: number
  botClicks: number
  conversions: Record<string, number>
  revenueCents: number
}

const blank = (): Expected => ({
  clicks: 0,
  uniqueClicks: 0,
  botClicks: 0,
  conversions: { pending: 0, confirmed: 0, rejected: 0, reversed: 0 },
  revenueCents: 0,
})
const iso = (d: Date) => d.toISOString().slice(0, 10)

/** The report as the docs define it, from the raw rows, written without the app's code. */
async function expectedReport(t: TestDatabase, groupBy: Grouping, from: Date, toIncluded: Date) {
  const end = new Date(toIncluded.getTime() + DAY)
  const { db } = t
  const links = new Map((await db.assignment.findMany({ include: { offer: true } })).map((a) => [a.id, a]))
  const events = await db.metricEvent.findMany({ where: { ts: { gte: from, lt: end } } })
  const entries = await db.walletEntry.findMany({ where: { type: 'conversion', createdAt: { gte: from, lt: end } } })
  const groups = new Map<string, Expected>()
  const at = (k: string) => groups.get(k) ?? groups.set(k, blank()).get(k)!
  const key = (ts: Date, assignmentId: number | null, partnerId: number | null, networkId: number | null): string => {
    const link = assignmentId === null ? undefined : links.get(assignmentId)
    const id = (v: number | null | undefined) => (v === null || v === undefined ? 'none' : String(v))
    if (groupBy === 'day') return iso(ts)
    if (groupBy === 'partner') return id(partnerId ?? link?.partnerId)
    if (groupBy === 'subid') return id(assignmentId)
    if (groupBy === 'offer') return id(link?.offerId)
    return id(link ? link.offer.networkId : networkId)
  }
  if (groupBy === 'day') for (let d = from.getTime(); d < end.getTime(); d += DAY) at(iso(new Date(d)))
  for (const e of events) {
    const g = at(key(e.ts, e.assignmentId, e.partnerId, null))
    if (e.kind === 'bot') g.botClicks++
    else {
      g.clicks++
      if (e.isUnique) g.uniqueClicks++
    }
  }
  for (const c of entries) {
    const g = at(key(c.createdAt, c.assignmentId, c.partnerId, c.networkId))
    g.conversions[c.status]!++
    if (c.status === 'confirmed') g.revenueCents += c.amountCents
  }
  return groups
}

const linkSpec = fc.option(fc.nat(5), { nil: null })
const clickSpec = fc.record({
  day: fc.integer({ min: 0, max: 13 }),
  ms: fc.nat(DAY - 1),
  link: linkSpec,
  bot: fc.boolean(),
  unique: fc.boolean(),
})
const conversionSpec = fc.record({
  day: fc.integer({ min: 0, max: 13 }),
  ms: fc.nat(DAY - 1),
  link: linkSpec,
  // Without a link: a partner of its own, or none.
  partner: fc.option(fc.nat(3), { nil: null }),
  network: fc.nat(1),
  status: fc.constantFrom(...STATUSES),
  // A later change of status (a correction, a reversal): moves it in the rollup.
  laterStatus: fc.option(fc.constantFrom(...STATUSES), { nil: null }),
  amountCents: fc.integer({ min: 1, max: 50_000 }),
})
const scenario = fc.record({
  clicks: fc.array(clickSpec, { maxLength: 60 }),
  conversions: fc.array(conversionSpec, { maxLength: 25 }),
  fromDay: fc.integer({ min: 1, max: 4 }),
  days: fc.integer({ min: 1, max: 9 }),
})

describeEachDatabase('reports', (t) => {
  let app: FastifyInstance
  let run = 0
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => {
    await app.close()
  })

  it('equals an independent count of the raw events for every grouping; totals are the sum of the rows; the CSV says the same', async () => {
    await fc.assert(
      fc.asyncProperty(scenario, async (s) => {
        const { db, database } = t()
        const r = ++run
        // Each run in a year of its own.
        const base = Date.UTC(2030 + r, 0, 10)
        const networks = [
          await db.network.create({ data: { slug: `n${r}a-${t().provider}`, name: `Réseau A${r}` } }),
          await db.network.create({ data: { slug: `n${r}b-${t().provider}`, name: `Réseau B${r}` } }),
        ]
        const offers = await Promise.all(
          [0, 1, 1].map((n, i) =>
            db.offer.create({ data: { networkId: networks[n]!.id, name: `Offre ${r}-${i}`, url: 'https://a.example/' } }),
          ),
        )
        const partners = await Promise.all([0, 1, 2, 3].map((i) => db.partner.create({ data: { name: `Partenaire ${r}-${i}` } })))
        const links = await Promise.all(
          [0, 1, 2, 3, 4, 5].map((i) =>
            db.assignment.create({
              data: { partnerId: partners[i % 4]!.id, offerId: offers[i % 3]!.id, code: `r${r}l${i}${t().provider[0]}`, status: 'posted' },
            }),
          ),
        )
        let n = 0
        const rows: ClickEventRow[] = s.clicks.map((c) => {
          const link = c.link === null ? null : links[c.link]!
          return {
            kind: c.bot ? 'bot' : 'click',
            ts: new Date(base + c.day * DAY + c.ms),
            partnerId: link?.partnerId ?? null,
            assignmentId: link?.id ?? null,
            offerId: link?.offerId ?? null,
            clickId: `R${r}${t().provider[0]}c${++n}`,
            visitorHash: null,
            userAgent: null,
            referer: null,
            isUnique: c.unique,
          }
        })
        for (let i = 0; i < rows.length; i += 17) await insertClickEvents(database, rows.slice(i, i + 17))
        for (const c of s.conversions) {
          const link = c.link === null ? null : links[c.link]!
          const createdAt = new Date(base + c.day * DAY + c.ms)
          const entry = await db.walletEntry.create({
            data: {
              type: 'conversion',
              status: c.status,
              amountCents: c.amountCents,
              partnerId: link ? link.partnerId : c.partner === null ? null : partners[c.partner]!.id,
              assignmentId: link?.id ?? null,
              networkId: networks[c.network]!.id,
              txnId: `R${r}T${++n}`,
              createdAt,
            },
          })
          if (c.laterStatus !== null) await db.walletEntry.update({ where: { id: entry.id }, data: { status: c.laterStatus } })
        }
        const from = new Date(base + s.fromDay * DAY)
        const to = new Date(from.getTime() + (s.days - 1) * DAY)

        for (const groupBy of GROUPINGS) {
          const url = `/admin/api/reports?groupBy=${groupBy}&from=${iso(from)}&to=${iso(to)}`
          const res = await app.inject({ method: 'GET', url, headers: adminHeaders })
          expect(res.statusCode, res.body).toBe(200)
          const report = res.json<{
            rows: ({ key: string; label: string; epc: number; conversionRate: number } & Expected)[]
            totals: Expected
          }>()
          const expected = await expectedReport(t(), groupBy, from, to)
          const got = new Map(report.rows.map((row) => [row.key, row]))
          expect([...got.keys()].sort(), groupBy).toEqual([...expected.keys()].sort())
          for (const [k, e] of expected) {
            const row = got.get(k)!
            expect({
              k,
              clicks: row.clicks,
              uniqueClicks: row.uniqueClicks,
              botClicks: row.botClicks,
              conversions: row.conversions,
              revenueCents: row.revenueCents,
            }).toEqual({
              k,
              ...e,
            })
            expect(row.epc).toBe(row.clicks === 0 ? 0 : Math.round((row.revenueCents * 10) / row.clicks) / 1000)
          }
          const sum = (f: (e: Expected) => number) => report.rows.reduce((a, row) => a + f(row), 0)
          expect(report.totals.clicks).toBe(sum((e) => e.clicks))
          expect(report.totals.uniqueClicks).toBe(sum((e) => e.uniqueClicks))
          expect(report.totals.botClicks).toBe(sum((e) => e.botClicks))
          expect(report.totals.revenueCents).toBe(sum((e) => e.revenueCents))
          for (const st of STATUSES) expect(report.totals.conversions[st]).toBe(sum((e) => e.conversions[st]!))

          // The CSV: the same rows in the same order, then the totals.
          const csv = await app.inject({
            method: 'GET',
            url: url.replace('/admin/api/reports?', '/admin/reports.csv?'),
            headers: adminHeaders,
          })
          expect(csv.statusCode).toBe(200)
          const lines = csv.body
            .replace(/^\ufeff/, '')
            .trimEnd()
            .split('\r\n')
          expect(lines[0]).toBe(
            'group_by,key,label,clicks,unique_clicks,bot_clicks,conversions_pending,conversions_confirmed,conversions_rejected,conversions_reversed,revenue_cents,revenue_eur,epc_eur,conversion_rate',
          )
          const body = lines.slice(1).map((l) => l.split(','))
          expect(body.map((c) => c[1])).toEqual([...report.rows.map((row) => row.key), 'total'])
          const numbers = (e: Expected) =>
            [e.clicks, e.uniqueClicks, e.botClicks, ...STATUSES.map((st) => e.conversions[st]), e.revenueCents].map(String)
          expect(body.map((c) => c.slice(3, 11))).toEqual([...report.rows, report.totals].map(numbers))
        }
      }),
      { numRuns: 4, seed: 30, endOnFailure: true },
    )
  }, 120_000)

  it('refuses a bad grouping or period with 400 and its reason', async () => {
    const bad = [
      ['groupBy=week&from=2026-01-01&to=2026-01-02', /unknown groupBy/],
      ['groupBy=day&from=2026-01-05&to=2026-01-02', /from is after to/],
      ['groupBy=day&from=2026-02-30&to=2026-03-02', /from is not a day/],
      ['groupBy=day&from=2026-01-01', /both required/],
      ['groupBy=day&from=2024-01-01&to=2026-01-01', /at most 400 days/],
      ['groupBy=day&range=yesterday', /unknown range/],
    ] as const
    for (const [query, reason] of bad) {
      const res = await app.inject({
        method: 'GET',
        url: `/admin/api/reports?${query}`,
        headers: { ...adminHeaders, accept: 'application/json' },
      })
      expect(res.statusCode, query).toBe(400)
      expect(res.json<{ error: string }>().error).toMatch(reason)
    }
    const ok = await app.inject({
      method: 'GET',
      url: '/admin/api/reports?groupBy=partner&from=2026-01-01&to=2027-02-04',
      headers: adminHeaders,
    })
    expect(ok.statusCode).toBe(200)
  })
})
