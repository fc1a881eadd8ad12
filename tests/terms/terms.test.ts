// Commission terms (issue 31) on real databases: the API and its refusals, the
// history, and each mode's money checked against a model written here from the
// rules (revshare rounded half up once, cpa fixed, cpc per unique non-bot click at
// the rate in force when it happened, capped per partner and day).
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { margin7d } from '../../src/analytics/margin.ts'
import { summary } from '../../src/analytics/summary.ts'
import { openDatabase } from '../../src/db/client.ts'
import { insertClickEvents } from '../../src/db/hot/index.ts'
import { applyPostbacks, type ConversionReport } from '../../src/ledger/apply.ts'
import { ledgerBalance, ledgerRulesOf } from '../../src/ledger/balances.ts'
import { correctAmount } from '../../src/ledger/corrections.ts'
import { formatCents } from '../../src/format/money.ts'
import { accrueCpcEarnings } from '../../src/terms/cpc-accrual.ts'
import { setOfferTerms, setPartnerTerms } from '../../src/terms/terms.ts'
import { adminHeaders, buildTestApp, testConfig } from '../helpers/app.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000

/** The model: revshare on basis points, half up on the cent, once. */
const revshare = (revenueCents: number, percent: number) => Math.floor((revenueCents * Math.round(percent * 100) + 5000) / 10000)

describeEachDatabase('commission terms', (t, provider) => {
  let app: FastifyInstance
  let networkId = 0
  let partnerA = 0
  let partnerB = 0
  let offerId = 0
  let linkA = 0
  let linkB = 0
  let txn = 0

  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => {
    await app.close()
  })

  beforeEach(async () => {
    const { db } = t()
    await truncateAll(db, provider)
    await db.commissionTerm.deleteMany()
    networkId = (await db.network.create({ data: { slug: 'n', name: 'N', postbackToken: 'tok-0123456789abcdef' } })).id
    partnerA = (await db.partner.create({ data: { name: 'A' } })).id
    partnerB = (await db.partner.create({ data: { name: 'B' } })).id
    offerId = (await db.offer.create({ data: { networkId, name: 'O', url: 'https://a.example/' } })).id
    linkA = (await db.assignment.create({ data: { partnerId: partnerA, offerId, code: 'codeA001', status: 'posted' } })).id
    linkB = (await db.assignment.create({ data: { partnerId: partnerB, offerId, code: 'codeB001', status: 'posted' } })).id
  })

  const api = (method: 'GET' | 'PUT', url: string, payload?: unknown) =>
    app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, ...(payload === undefined ? {} : { payload: payload as object }) })

  const report = (partnerId: number, assignmentId: number, cents: number, over: Partial<ConversionReport> = {}): ConversionReport => ({
    networkId,
    txnId: `T${++txn}`,
    status: 'confirmed',
    networkWord: 'approved',
    money: { cents, originalAmount: (cents / 100).toFixed(2), currency: 'EUR', rate: '1' },
    subid: { partnerId, assignmentId, clickId: `CLICK${String(txn).padStart(17, '0')}` },
    postbackLogId: null,
    ...over,
  })

  const entry = (id: number) => t().db.walletEntry.findUniqueOrThrow({ where: { id } })
  const book = async (r: ConversionReport) => {
    const [res] = await applyPostbacks(t().database, [r])
    if (!res || !('entryId' in res)) throw new Error(`not booked: ${JSON.stringify(res)}`)
    return entry(res.entryId)
  }

  it('sets offer terms and a partner override, keeps the history, audits each change', async () => {
    const first = await api('PUT', `/offers/${offerId}/terms`, { mode: 'revshare', value: 35.5 })
    expect(first.statusCode, first.body).toBe(200)
    expect(first.json()).toMatchObject({ offerId, partnerId: null, terms: { mode: 'revshare', value: 35.5 } })
    const second = await api('PUT', `/offers/${offerId}/terms`, { mode: 'cpa', value: 250 })
    expect(second.json().terms).toEqual({ mode: 'cpa', value: 250 })
    expect(second.json().history.map((h: { mode: string; value: number }) => [h.mode, h.value])).toEqual([
      ['revshare', 35.5],
      ['cpa', 250],
    ])
    const override = await api('PUT', `/partners/${partnerA}/terms`, { offerId, mode: 'cpc', value: 7 })
    expect(override.statusCode, override.body).toBe(200)
    expect(override.json()).toMatchObject({ offerId, partnerId: partnerA, terms: { mode: 'cpc', value: 7 } })
    expect(override.json().history).toHaveLength(3)
    // Partner B still has the offer's terms.
    expect((await api('GET', `/partners/${partnerB}/terms?offerId=${offerId}`)).json().terms).toEqual({ mode: 'cpa', value: 250 })
    expect((await api('GET', `/offers/${offerId}/terms`)).json().terms).toEqual({ mode: 'cpa', value: 250 })
    expect(await t().db.commissionTerm.count()).toBe(3)
    const audit = await t().db.auditLog.findMany({ where: { action: { in: ['offer.terms', 'partner.terms'] } }, orderBy: { id: 'asc' } })
    expect(audit.map((a) => [a.action, a.subject])).toEqual([
      ['offer.terms', `offer:${offerId}`],
      ['offer.terms', `offer:${offerId}`],
      ['partner.terms', `partner:${partnerA}`],
    ])
  })

  it('refuses bad terms with a one-line reason and writes nothing', async () => {
    const refusals: [string, unknown, number, RegExp][] = [
      [`/offers/${offerId}/terms`, { mode: 'flat', value: 1 }, 400, /mode/],
      [`/offers/${offerId}/terms`, { mode: 'revshare', value: 100.5 }, 400, /between 0 and 100/],
      [`/offers/${offerId}/terms`, { mode: 'revshare', value: -1 }, 400, /between 0 and 100/],
      [`/offers/${offerId}/terms`, { mode: 'revshare', value: 12.345 }, 400, /2 decimals/],
      [`/offers/${offerId}/terms`, { mode: 'cpa', value: 1.5 }, 400, /whole cents/],
      [`/offers/${offerId}/terms`, { mode: 'cpc', value: -3 }, 400, /negative/],
      [`/offers/${offerId}/terms`, { mode: 'cpa', value: 10_000_001 }, 400, /at most/],
      [`/offers/${offerId}/terms`, { mode: 'cpa' }, 400, /value/],
      [`/offers/999999/terms`, { mode: 'cpa', value: 1 }, 404, /no offer/],
      [`/partners/${partnerA}/terms`, { mode: 'cpa', value: 1 }, 400, /offerId/],
      [`/partners/${partnerA}/terms`, { offerId: 999999, mode: 'cpa', value: 1 }, 404, /no offer/],
      [`/partners/999999/terms`, { offerId, mode: 'cpa', value: 1 }, 404, /no partner/],
    ]
    for (const [url, body, status, reason] of refusals) {
      const res = await api('PUT', url, body)
      expect(res.statusCode, `${url} ${JSON.stringify(body)}`).toBe(status)
      expect(res.body).toMatch(reason)
      expect(res.body).not.toContain('\n')
    }
    expect(await t().db.commissionTerm.count()).toBe(0)
  })

  it('revshare 100 % by default: earnings = revenue, figures as before', async () => {
    const e = await book(report(partnerA, linkA, 1234))
    expect([e.revenueCents, e.amountCents, e.termsMode, e.termsValue]).toEqual([1234, 1234, 'revshare', 10000])
    const s = await summary(t().db, testConfig(t()))
    expect(s.rev_7d).toBe(12.34)
    expect(await margin7d(t().db, new Date())).toEqual({ revenueCents: 1234, earningsCents: 1234, marginCents: 0 })
  })

  it('revshare 35 %: earnings rounded half up once; corrections and returns follow the entry’s own terms', async () => {
    await setOfferTerms({ database: t().database, actor: 'ops@test' }, offerId, { mode: 'revshare', value: 35 })
    const amounts = [1001, 999, 1, 3, 7, 143, 100000]
    const entries = []
    for (const cents of amounts) entries.push(await book(report(partnerA, linkA, cents)))
    expect(entries.map((e) => e.amountCents)).toEqual(amounts.map((c) => revshare(c, 35)))
    expect(entries.map((e) => e.revenueCents)).toEqual(amounts)

    // New terms apply to new events only.
    await setOfferTerms({ database: t().database, actor: 'ops@test' }, offerId, { mode: 'revshare', value: 50 })
    const first = entries[0]!
    // The network corrects the amount: revenue changes, earnings follow the entry's 35 %.
    await applyPostbacks(t().database, [report(partnerA, linkA, 2001, { txnId: first.txnId! })])
    expect(await entry(first.id)).toMatchObject({ revenueCents: 2001, amountCents: revshare(2001, 35), termsValue: 3500 })
    // A partial return reduces revenue.
    await applyPostbacks(t().database, [report(partnerA, linkA, -501, { txnId: first.txnId! })])
    expect(await entry(first.id)).toMatchObject({ revenueCents: 1500, amountCents: revshare(1500, 35) })
    // Ops correct the revenue too; earnings follow.
    await correctAmount({ database: t().database, actor: 'ops@test' }, first.id, 1111, 'network statement')
    expect(await entry(first.id)).toMatchObject({ revenueCents: 1111, amountCents: revshare(1111, 35) })
    const later = await book(report(partnerA, linkA, 1001))
    expect([later.amountCents, later.termsValue]).toEqual([revshare(1001, 50), 5000])

    // The money: balances read earnings, rev_7d revenue, the margin their difference.
    const all = await t().db.walletEntry.findMany({ where: { type: 'conversion' } })
    const revenue = all.reduce((n, e) => n + e.revenueCents!, 0)
    const earnings = all.reduce((n, e) => n + e.amountCents, 0)
    const config = testConfig(t())
    const balance = await ledgerBalance(t().db, ledgerRulesOf(config), { partnerId: partnerA })
    expect(balance.confirmedCents).toBe(earnings)
    expect((await summary(t().db, config)).rev_7d * 100).toBeCloseTo(revenue, 6)
    expect(await margin7d(t().db, new Date())).toEqual({ revenueCents: revenue, earningsCents: earnings, marginCents: revenue - earnings })
    // The dashboard shows it beside the sketch's cards.
    const page = await app.inject({ method: 'GET', url: '/admin/monitoring', headers: adminHeaders })
    expect(page.statusCode).toBe(200)
    const shown = /data-figure="margin_7d">([^<]*)</.exec(page.body)?.[1]
    expect(shown).toBe(formatCents(revenue - earnings).replace(/&/g, '&amp;'))
    expect(page.body).toContain('Marge 7j')
    expect(page.body).toContain('Revenue 7j')
  })

  it('cpa: the fixed cents per conversion, counted in balances once confirmed; a partner override wins', async () => {
    await setOfferTerms({ database: t().database, actor: 'ops@test' }, offerId, { mode: 'cpa', value: 400 })
    await setPartnerTerms({ database: t().database, actor: 'ops@test' }, partnerB, { offerId, mode: 'revshare', value: 10 })
    const pending = await book(report(partnerA, linkA, 9999, { status: 'pending', networkWord: 'pending' }))
    const confirmed = await book(report(partnerA, linkA, 50))
    const b = await book(report(partnerB, linkB, 5005))
    expect([pending.amountCents, confirmed.amountCents, b.amountCents]).toEqual([400, 400, revshare(5005, 10)])
    const rules = ledgerRulesOf(testConfig(t()))
    expect((await ledgerBalance(t().db, rules, { partnerId: partnerA })).confirmedCents).toBe(400)
    await applyPostbacks(t().database, [report(partnerA, linkA, 9999, { txnId: pending.txnId! })])
    expect((await ledgerBalance(t().db, rules, { partnerId: partnerA })).confirmedCents).toBe(800)
  })

  it('cpc: conversions earn nothing; clicks accrue per partner and day at the rate of their time, capped, written once', async () => {
    const now = new Date()
    const today = new Date(Math.floor(now.getTime() / DAY) * DAY)
    const yesterday = new Date(today.getTime() - DAY)
    const ctx = { database: t().database, actor: 'ops@test' }
    // 10 cents from two days ago, 20 cents from yesterday noon; partner B on 30 cents from yesterday 18:00.
    const changes: { at: Date; partnerId: number | null; cents: number }[] = [
      { at: new Date(yesterday.getTime() - DAY), partnerId: null, cents: 10 },
      { at: new Date(yesterday.getTime() + 12 * 3600_000), partnerId: null, cents: 20 },
      { at: new Date(yesterday.getTime() + 18 * 3600_000), partnerId: partnerB, cents: 30 },
    ]
    for (const c of changes)
      if (c.partnerId === null) await setOfferTerms(ctx, offerId, { mode: 'cpc', value: c.cents }, c.at)
      else await setPartnerTerms(ctx, c.partnerId, { offerId, mode: 'cpc', value: c.cents }, c.at)

    const conversion = await book(report(partnerA, linkA, 5000))
    expect([conversion.amountCents, conversion.revenueCents, conversion.termsMode]).toEqual([0, 5000, 'cpc'])

    let n = 0
    const clicks: { link: number; partnerId: number; ts: Date; kind: 'click' | 'bot'; unique: boolean }[] = []
    const add = (link: number, partnerId: number, ts: Date, count: number, kind: 'click' | 'bot' = 'click', unique = true) => {
      for (let i = 0; i < count; i++) clicks.push({ link, partnerId, ts: new Date(ts.getTime() + i * 1000), kind, unique })
    }
    const at = (day: Date, hours: number) => new Date(day.getTime() + hours * 3600_000)
    add(linkA, partnerA, at(yesterday, 3), 3) // 10 c
    add(linkA, partnerA, at(yesterday, 4), 2, 'click', false) // not unique: nothing
    add(linkA, partnerA, at(yesterday, 5), 2, 'bot', false) // bots: nothing
    add(linkA, partnerA, at(yesterday, 13), 4) // 20 c
    add(linkB, partnerB, at(yesterday, 1), 5) // 10 c
    add(linkB, partnerB, at(yesterday, 19), 400) // 30 c: 12 000, over the cap
    add(linkA, partnerA, at(today, 0), 2) // today, 20 c, pending
    await insertClickEvents(
      t().database,
      clicks.map((c) => ({
        kind: c.kind,
        ts: c.ts,
        partnerId: c.partnerId,
        assignmentId: c.link,
        offerId,
        clickId: `C${String(++n).padStart(21, '0')}`,
        visitorHash: null,
        userAgent: 'UA',
        referer: null,
        isUnique: c.unique,
      })),
    )

    // The model: each unique non-bot click at the latest rate at or before it, partner's override first.
    const rateAt = (partnerId: number, ts: Date) => {
      const latest = (rows: typeof changes) => rows.filter((c) => c.at <= ts).sort((a, b) => b.at.getTime() - a.at.getTime())[0]
      return (latest(changes.filter((c) => c.partnerId === partnerId)) ?? latest(changes.filter((c) => c.partnerId === null)))?.cents ?? 0
    }
    const cap = 10_000
    const expected = new Map<string, number>()
    for (const c of clicks.filter((c) => c.kind === 'click' && c.unique)) {
      const key = `${c.partnerId}|${new Date(Math.floor(c.ts.getTime() / DAY) * DAY).toISOString()}`
      expected.set(key, (expected.get(key) ?? 0) + rateAt(c.partnerId, c.ts))
    }
    for (const [k, v] of expected) expected.set(k, Math.min(v, cap))
    expect(expected.get(`${partnerA}|${yesterday.toISOString()}`)).toBe(3 * 10 + 4 * 20)
    expect(expected.get(`${partnerB}|${yesterday.toISOString()}`)).toBe(cap)

    // Two passes at once, then a third: each (partner, day) written once.
    await Promise.all([accrueCpcEarnings(t().database, { capCents: cap }, now), accrueCpcEarnings(t().database, { capCents: cap }, now)])
    await accrueCpcEarnings(t().database, { capCents: cap }, now)
    const written = await t().db.walletEntry.findMany({ where: { type: 'click_earnings' }, orderBy: { id: 'asc' } })
    expect(new Map(written.map((e) => [`${e.partnerId}|${e.createdAt.toISOString()}`, e.amountCents]))).toEqual(expected)
    expect(written).toHaveLength(expected.size)
    for (const e of written) {
      expect(e.status).toBe(e.createdAt.getTime() === today.getTime() ? 'pending' : 'confirmed')
      expect(e.revenueCents).toBe(0)
    }

    // Today grows: the pending entry follows; a closed day never moves.
    add(linkA, partnerA, at(today, 0.5), 1)
    await insertClickEvents(t().database, [
      {
        kind: 'click',
        ts: clicks.at(-1)!.ts,
        partnerId: partnerA,
        assignmentId: linkA,
        offerId,
        clickId: `C${String(++n).padStart(21, '0')}`,
        visitorHash: null,
        userAgent: 'UA',
        referer: null,
        isUnique: true,
      },
    ])
    await accrueCpcEarnings(t().database, { capCents: cap }, now)
    const todayA = await t().db.walletEntry.findFirstOrThrow({ where: { type: 'click_earnings', partnerId: partnerA, createdAt: today } })
    expect([todayA.status, todayA.amountCents]).toEqual(['pending', 3 * 20])

    // Confirmed click earnings are the partner's money, like confirmed conversions (cpc conversions earn 0).
    const rules = ledgerRulesOf(testConfig(t()))
    expect((await ledgerBalance(t().db, rules, { partnerId: partnerA })).confirmedCents).toBe(3 * 10 + 4 * 20)
    // Margin: revenue 5000 − the window's click earnings (pending included).
    const clickEarnings = 3 * 10 + 4 * 20 + cap + 3 * 20
    expect(await margin7d(t().db, now)).toEqual({ revenueCents: 5000, earningsCents: clickEarnings, marginCents: 5000 - clickEarnings })

    // Once the day is over, today's entry is confirmed and stays so.
    const tomorrow = new Date(today.getTime() + DAY + 60_000)
    await accrueCpcEarnings(t().database, { capCents: cap }, tomorrow)
    expect((await entry(todayA.id)).status).toBe('confirmed')
    expect(await t().db.walletEntry.count({ where: { type: 'click_earnings' } })).toBe(expected.size)
  })

  // Several instances share one PostgreSQL, each running the accrual on its own timer.
  it.skipIf(provider === 'sqlite')('two instances accruing at once write each day once', async () => {
    const now = new Date()
    const yesterday = new Date(Math.floor(now.getTime() / DAY) * DAY - DAY)
    await setOfferTerms(
      { database: t().database, actor: 'ops@test' },
      offerId,
      { mode: 'cpc', value: 9 },
      new Date(yesterday.getTime() - DAY),
    )
    await insertClickEvents(
      t().database,
      Array.from({ length: 6 }, (_, i) => ({
        kind: 'click' as const,
        ts: new Date(yesterday.getTime() + (i + 1) * 3600_000),
        partnerId: i % 2 ? partnerA : partnerB,
        assignmentId: i % 2 ? linkA : linkB,
        offerId,
        clickId: `R${String(i).padStart(21, '0')}`,
        visitorHash: null,
        userAgent: 'UA',
        referer: null,
        isUnique: true,
      })),
    )
    const other = await openDatabase(t().url, { poolSize: 4 })
    try {
      await Promise.all(Array.from({ length: 8 }, (_, i) => accrueCpcEarnings(i % 2 ? other : t().database, { capCents: 10_000 }, now)))
    } finally {
      await other.close()
    }
    const written = await t().db.walletEntry.findMany({ where: { type: 'click_earnings' }, orderBy: { partnerId: 'asc' } })
    expect(written.map((e) => [e.partnerId, e.status, e.amountCents])).toEqual([
      [partnerA, 'confirmed', 27],
      [partnerB, 'confirmed', 27],
    ])
  })
})
