// Unique clicks are decided by the database, not by one instance's memory: two
// server instances, each with its own connection (SQLite: two connections on one
// file; PostgreSQL: two pools on one database), its own visitor memory and its
// own click writer, count a returning visitor once, and the hour's edge holds
// whichever instance saw the visitor last.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { trackClick } from '../../src/tracking/track-click.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, testConfig } from '../helpers/app.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0'
const HOUR = 3_600_000

describeEachDatabase('unique clicks across instances', (t) => {
  let a: FastifyInstance
  let b: FastifyInstance
  let bDatabase: Database
  let code = ''
  let assignmentId = 0

  beforeAll(async () => {
    a = await buildApp(testConfig(t()), { database: t().database, logger: false })
    bDatabase = await openDatabase(t().url, { poolSize: 4 })
    b = await buildApp(testConfig(t()), { database: bDatabase, logger: false })
    await Promise.all([a.ready(), b.ready()])
    const api = async (url: string, payload: object) => {
      const res = await a.inject({ method: 'POST', url: `/admin/api${url}`, headers: adminHeaders, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return res.json<Record<string, unknown>>()
    }
    await api('/networks', { slug: 'net', name: 'Net', subidParam: 'sid' })
    const offerId = (await api('/offers', { network: 'net', name: 'Shop', url: 'https://shop.example/' })).id as number
    const partnerId = (await api('/partners', { name: 'Inès' })).id as number
    const link = await api('/assignments', { partnerId, offerId, status: 'posted' })
    code = link.code as string
    assignmentId = link.id as number
  })
  afterAll(async () => {
    await a?.close()
    await b?.close()
    await bDatabase?.close()
  })

  const clickOn = async (app: FastifyInstance, ip: string, ua = BROWSER) => {
    const res = await app.inject({ method: 'GET', url: `/r/${code}`, headers: { 'user-agent': ua }, remoteAddress: ip })
    expect(res.statusCode).toBe(302)
    const clickId = new URL(String(res.headers.location)).searchParams.get('sid')!.split(':')[2]!
    return (await t().db.metricEvent.findUniqueOrThrow({ where: { clickId } })).isUnique
  }
  const todaysRollup = async () => {
    const rows = await t().db.clickLinkRollup.findMany({ where: { assignmentId, kind: 'click' } })
    return { count: rows.reduce((n, r) => n + r.count, 0), unique: rows.reduce((n, r) => n + r.uniqueCount, 0) }
  }

  it('the same visitor on instance A then on instance B: two clicks, one unique', async () => {
    const before = await todaysRollup()
    expect(await clickOn(a, '203.0.113.10')).toBe(true)
    // B never saw this visitor: only the database can tell it is a repeat.
    expect(await clickOn(b, '203.0.113.10')).toBe(false)
    // A different visitor (another address) is unique, on either instance.
    expect(await clickOn(b, '203.0.113.11')).toBe(true)
    // The same address with another browser is another visitor too.
    expect(await clickOn(a, '203.0.113.10', `${BROWSER} other`)).toBe(true)
    const after = await todaysRollup()
    // The rollup the reports read counts what the events say.
    expect({ count: after.count - before.count, unique: after.unique - before.unique }).toEqual({ count: 4, unique: 3 })
  })

  it('both instances at once on a new visitor: one unique among the clicks', async () => {
    const ip = '203.0.113.20'
    const results = await Promise.all([clickOn(a, ip), clickOn(b, ip), clickOn(a, ip), clickOn(b, ip)])
    expect(results.filter(Boolean)).toHaveLength(1)
  })

  it('the window is a full hour since the visitor’s last click, wherever it was served', async () => {
    const visit = (app: FastifyInstance, now: Date, ip: string) =>
      trackClick(app.tracking.tracker, { code, method: 'GET', ip, userAgent: BROWSER, referer: undefined, now })
    const uniqueOf = async (r: Awaited<ReturnType<typeof visit>>) => {
      if (!r.found || !r.committed) throw new Error('click not recorded')
      return (await t().db.metricEvent.findUniqueOrThrow({ where: { clickId: r.clickId } })).isUnique
    }
    const t0 = Date.UTC(2026, 10, 2, 10, 0, 0)
    const ip = '198.51.100.30'
    expect(await uniqueOf(await visit(a, new Date(t0), ip))).toBe(true)
    // B, 30 minutes later: a repeat.
    expect(await uniqueOf(await visit(b, new Date(t0 + HOUR / 2), ip))).toBe(false)
    // A, 61 minutes after its own last sight of the visitor but 31 after B's: still a repeat.
    expect(await uniqueOf(await visit(a, new Date(t0 + HOUR + 60_000), ip))).toBe(false)
    // B, one millisecond short of an hour after that: a repeat.
    expect(await uniqueOf(await visit(b, new Date(t0 + 2 * HOUR + 60_000 - 1), ip))).toBe(false)
    // A, exactly an hour after the last click (served by B): unique again.
    expect(await uniqueOf(await visit(a, new Date(t0 + 3 * HOUR + 60_000 - 1), ip))).toBe(true)
  })
})
