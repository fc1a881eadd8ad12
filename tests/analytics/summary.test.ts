// summary(): hand-computed figures on a fixed data set with an event on every
// boundary (7 days, 24 h, 30-day release), then equality with the sketch's naive
// queries on randomized data at many instants — on SQLite and PostgreSQL.
import { beforeEach, expect, it } from 'vitest'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import type { Db } from '../../src/db/client.ts'
import { summary, type Summary } from '../../src/analytics/summary.ts'
import { dailySeries } from '../../src/analytics/daily-series.ts'
import { securityExtras } from '../../src/analytics/security.ts'
import { prng } from '../../src/demo/demo-data.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { testConfig } from '../helpers/app.ts'

const HOUR = 60 * 60 * 1000
const DAY = 24 * HOUR
const config = (t: Parameters<typeof testConfig>[0], env: Record<string, string> = {}) => testConfig(t, env)

let clickSeq = 0
const click = (ts: Date, partnerId: number | null, kind: 'click' | 'bot' = 'click'): ClickEventRow => ({
  kind,
  ts,
  partnerId,
  assignmentId: null,
  offerId: null,
  clickId: `c${++clickSeq}`,
  visitorHash: null,
  userAgent: null,
  referer: null,
  isUnique: true,
})

/** The sketch's queries, as written: plain counts and sums over the raw rows. */
async function naive(db: Db, now: Date) {
  const d7 = new Date(now.getTime() - 7 * DAY)
  const d1 = new Date(now.getTime() - DAY)
  const cutoff = new Date(now.getTime() - 30 * DAY)
  const sum = async (where: object) =>
    Number((await db.walletEntry.aggregate({ _sum: { amountCents: true }, where }))._sum.amountCents ?? 0)
  const clicks = await db.metricEvent.count({ where: { kind: 'click', ts: { gte: d7 } } })
  const conv = await db.walletEntry.count({ where: { type: 'conversion', status: 'confirmed', createdAt: { gte: d7 } } })
  const rev = await sum({ type: 'conversion', status: 'confirmed', createdAt: { gte: d7 } })
  const confirmed = await sum({ type: 'conversion', status: 'confirmed' })
  const toReserve = await sum({ type: 'conversion', status: 'confirmed', createdAt: { gt: cutoff } })
  const paid = Math.abs(await sum({ type: 'payout', status: 'paid' }))
  const distinct = await db.metricEvent.findMany({
    where: { kind: 'click', ts: { gte: d7 }, partnerId: { not: null } },
    distinct: ['partnerId'],
    select: { partnerId: true },
  })
  // 30 %, half up to the cent, in integers (as the ledger rules: money never goes through a float).
  const reserved = Math.floor((toReserve * 3 * 2 + 10) / 20)
  return {
    clicks_7d: clicks,
    conv_7d: conv,
    rev_7d: rev / 100,
    epc_7d: clicks ? Math.floor((rev * 10 * 2 + clicks) / (2 * clicks)) / 1000 : 0,
    available: Math.max(0, confirmed - reserved - paid) / 100,
    reserved: reserved / 100,
    paid: paid / 100,
    holds: await db.partnerFlag.count({ where: { flag: 'hold', clearedAt: null } }),
    postbacks_24h: await db.walletEntry.count({ where: { type: 'conversion', createdAt: { gte: d1 } } }),
    partners_active: distinct.length,
  }
}

const pick = (s: Summary) => ({
  clicks_7d: s.clicks_7d,
  conv_7d: s.conv_7d,
  rev_7d: s.rev_7d,
  epc_7d: s.epc_7d,
  available: s.available,
  reserved: s.reserved,
  paid: s.paid,
  holds: s.holds,
  postbacks_24h: s.postbacks_24h,
  partners_active: s.partners_active,
})

describeEachDatabase('summary()', (t, provider) => {
  beforeEach(async () => truncateAll(t().db, provider))

  /** The fixed data set, placed relative to `now`. Returns partner ids. */
  async function fixedDataSet(now: Date) {
    const { db } = t()
    const at = (ms: number) => new Date(now.getTime() + ms)
    const [a, b, c, d, e] = await Promise.all(['Alice', 'Bob', 'Chloé', 'Dan', 'Eve'].map((name) => db.partner.create({ data: { name } })))
    const network = await db.network.create({ data: { slug: 'net', name: 'Net' } })
    const offer = await db.offer.create({ data: { networkId: network.id, name: 'Offer', url: 'https://adv.example/?affid=1' } })
    let code = 0
    for (const status of ['pending', 'approved', 'approved', 'posted']) {
      await db.assignment.create({ data: { partnerId: a!.id, offerId: offer.id, status, code: `code${++code}` } })
    }
    await insertClickEvents(t().database, [
      click(at(-7 * DAY), a!.id), // exactly now − 7 days: counts
      click(at(-7 * DAY - 1), a!.id), // 1 ms too old
      click(at(-HOUR), a!.id),
      click(at(HOUR), a!.id), // future-dated: the sketch's query counts it too
      click(at(-7 * DAY - 1), b!.id), // Bob's only click is 1 ms too old: not active
      click(at(-DAY), b!.id, 'bot'), // bots are not clicks
      click(at(-6 * DAY), c!.id),
      click(at(-2 * DAY), null), // a click without partner: counted, but no partner
      click(at(-3 * DAY), d!.id, 'bot'),
      click(at(-7 * DAY + 1), e!.id), // Eve's only clicks are in the first, partial day of the window
      click(at(-7 * DAY + 2), e!.id),
    ])
    let txn = 0
    const entry = (
      partnerId: number | null,
      type: string,
      status: string,
      amountCents: number,
      createdAt: Date,
      flag: string | null = null,
    ) =>
      db.walletEntry.create({
        data: {
          partnerId,
          type,
          status,
          amountCents,
          createdAt,
          flag,
          networkId: type === 'conversion' ? network.id : null,
          txnId: type === 'conversion' ? `t${++txn}` : null,
        },
      })
    await entry(a!.id, 'conversion', 'confirmed', 1_000, at(-7 * DAY)) // in the 7 days (boundary)
    await entry(a!.id, 'conversion', 'confirmed', 2_000, at(-7 * DAY - 1)) // 1 ms too old for the 7 days
    await entry(c!.id, 'conversion', 'confirmed', 3_005, at(-DAY)) // in the 7 days and the 24 h (boundary)
    await entry(a!.id, 'conversion', 'pending', 500, at(-HOUR)) // 24 h: yes; confirmed: no
    await entry(b!.id, 'conversion', 'rejected', 700, at(-DAY - 1)) // 1 ms too old for the 24 h
    await entry(b!.id, 'conversion', 'confirmed', 10_000, at(-30 * DAY)) // exactly 30 days: released
    await entry(b!.id, 'conversion', 'confirmed', 4_000, at(-30 * DAY + 1)) // 1 ms younger: reserved
    await entry(null, 'conversion', 'pending', 900, at(-2 * HOUR), 'unknown_partner')
    await entry(a!.id, 'payout', 'paid', -1_500, at(-2 * DAY))
    await db.partnerFlag.create({ data: { partnerId: a!.id, flag: 'hold', reason: 'suspect', setAt: at(-DAY) } })
    await db.partnerFlag.create({
      data: {
        partnerId: b!.id,
        flag: 'hold',
        reason: 'kyc',
        setAt: at(-9 * DAY),
        clearedAt: at(-8 * DAY),
        clearedBy: 'ops',
        clearReason: 'ok',
      },
    })
    await db.postbackLog.createMany({
      data: [
        { method: 'GET', rawQuery: 'a', outcome: 'rejected', reason: 'unknown currency', receivedAt: at(-23 * HOUR) },
        { method: 'GET', rawQuery: 'b', outcome: 'forbidden', reason: 'bad token', receivedAt: at(-HOUR) },
        { method: 'GET', rawQuery: 'c', outcome: 'rejected', reason: 'old', receivedAt: at(-DAY - 1) },
        { method: 'GET', rawQuery: 'd', outcome: 'accepted', receivedAt: at(-HOUR) },
      ],
    })
    return { a: a!.id, b: b!.id, c: c!.id, d: d!.id, e: e!.id }
  }

  // Afternoon (the 7-day window starts late in a day), morning (early in a day), and midnight (no partial day).
  for (const iso of ['2026-06-15T15:00:00.000Z', '2026-06-15T09:30:00.000Z', '2026-06-15T00:00:00.000Z']) {
    it(`gives the hand-computed figures with every boundary exact (now = ${iso})`, async () => {
      const now = new Date(iso)
      await fixedDataSet(now)
      const s = await summary(t().db, config(t()), { now })
      // clicks: Alice 3 (−7 d exactly, −1 h, +1 h) + Chloé 1 + Eve 2 + no partner 1; bots and the 1 ms-too-old ones excluded.
      // conversions 7 d: 1000 (−7 d exactly) + 3005 (−1 d) → 40.05 €; EPC 40.05 / 7 = 5.7214… → 5.721.
      // confirmed 1000 + 2000 + 3005 + 10000 + 4000 = 20005; reserved 30 % of (1000 + 2000 + 3005 + 4000) = 3001.5 → 3002
      // (the 10000 exactly 30 days old is released); paid 1500; available 20005 − 3002 − 1500 = 15503.
      // postbacks 24 h: 3005 (−1 d exactly), 500 (−1 h), 900 flagged (−2 h); the rejected one is 1 ms too old.
      expect(s).toEqual({
        clicks_7d: 7,
        conv_7d: 2,
        rev_7d: 40.05,
        epc_7d: 5.721,
        available: 155.03,
        reserved: 30.02,
        paid: 15,
        pending: 1,
        approved: 2,
        posted: 1,
        failed: 0,
        holds: 1,
        postbacks_24h: 3,
        partners_active: 3, // Alice, Chloé, Eve
        // 7 clicks < PRICING_MIN_CLICKS (500): the bootstrap CPC.
        offer: {
          headline_cpc: 0.05,
          epc_7d: 5.721,
          terms: { mode: 'bootstrap', share: 0.5, floor_cpc: 0.02, cap_cpc: 1, min_clicks: 500, clicks_7d: 7, clamped: null },
        },
      })
      expect(pick(s)).toEqual(await naive(t().db, now))
      expect(await securityExtras(t().db, now)).toEqual({ flagged_conversions: 1, rejected_postbacks_24h: 2 })
    })
  }

  it('moves with time: one millisecond later the boundary events leave their windows', async () => {
    const base = new Date('2026-06-15T15:00:00.000Z')
    await fixedDataSet(base)
    const later = new Date(base.getTime() + 1)
    const s = await summary(t().db, config(t()), { now: later })
    expect(s.clicks_7d).toBe(6) // Alice's click at exactly base − 7 d is out
    expect(s.partners_active).toBe(3) // Alice still has her −1 h click
    expect(s.conv_7d).toBe(1) // the 1000 at base − 7 d is out
    expect(s.postbacks_24h).toBe(2) // the 3005 at base − 1 d is out
    // The 4000 at base − 30 d + 1 ms is now exactly 30 days old, released: 30 % of (1000 + 2000 + 3005) = 1801.5 → 1802.
    expect(s.reserved).toBe(18.02)
  })

  it('applies the pricing rule, and falls back exactly as the sketch when the pricing service fails', async () => {
    const now = new Date('2026-06-15T15:00:00.000Z')
    await fixedDataSet(now)
    // Share of the EPC: 0.5 × 4005 / 7 = 286.07 cents, above the 100-cent cap.
    const priced = await summary(t().db, config(t(), { PRICING_MIN_CLICKS: '7' }), { now })
    expect(priced.offer).toEqual({
      headline_cpc: 1,
      epc_7d: 5.721,
      terms: { mode: 'epc_share', share: 0.5, floor_cpc: 0.02, cap_cpc: 1, min_clicks: 7, clicks_7d: 7, clamped: 'cap' },
    })
    const inRange = await summary(
      t().db,
      config(t(), { PRICING_MIN_CLICKS: '7', PRICING_CPC_SHARE: '0.1', PRICING_CPC_CAP_CENTS: '500' }),
      { now },
    )
    expect(inRange.offer).toMatchObject({ headline_cpc: 0.57, terms: { mode: 'epc_share', clamped: null } }) // 0.1 × 572.14 = 57.2 → 57 cents
    const floored = await summary(
      t().db,
      config(t(), { PRICING_MIN_CLICKS: '7', PRICING_CPC_SHARE: '0.01', PRICING_CPC_FLOOR_CENTS: '10' }),
      { now },
    )
    expect(floored.offer).toMatchObject({ headline_cpc: 0.1, terms: { mode: 'epc_share', clamped: 'floor' } }) // 5.7 cents → floor 10
    const failing = await summary(t().db, config(t()), {
      now,
      pricing: () => {
        throw new Error('pricing down')
      },
    })
    // The sketch rounds the fallback's EPC to 2 decimals: 5.7214… → 5.72.
    expect(failing.offer).toEqual({ headline_cpc: 0, epc_7d: 5.72, terms: { mode: 'unknown' } })
    expect(failing.clicks_7d).toBe(7)
  })

  it('is all zeros on an empty database', async () => {
    const s = await summary(t().db, config(t()), { now: new Date('2026-06-15T15:00:00Z') })
    expect(pick(s)).toEqual({
      clicks_7d: 0,
      conv_7d: 0,
      rev_7d: 0,
      epc_7d: 0,
      available: 0,
      reserved: 0,
      paid: 0,
      holds: 0,
      postbacks_24h: 0,
      partners_active: 0,
    })
    expect(s.offer.terms.mode).toBe('bootstrap')
  })

  it('equals the naive queries on random data, at many instants', async () => {
    const { db } = t()
    const rnd = prng(7)
    const base = Date.parse('2026-03-10T00:00:00.000Z')
    const partners = []
    for (let i = 0; i < 25; i++) partners.push((await db.partner.create({ data: { name: `P${i}` } })).id)
    const sparse: number[] = []
    for (let i = 0; i < 40; i++) sparse.push((await db.partner.create({ data: { name: `S${i}` } })).id)
    const instants = [
      base + 4 * DAY + 13 * HOUR + 17_123,
      base + 5 * DAY,
      base + 6 * DAY + 3 * HOUR + 1,
      base + 8 * DAY + 23 * HOUR + 59 * 60_000 + 59_999,
      base + 9 * DAY + 12 * HOUR,
      base + 11 * DAY + 7 * HOUR + 7,
    ]
    const rows: ClickEventRow[] = []
    for (let i = 0; i < 3_000; i++) {
      const ts = new Date(base + rnd.int(0, 14 * DAY))
      rows.push(click(ts, rnd.chance(0.1) ? null : rnd.pick(partners), rnd.chance(0.08) ? 'bot' : 'click'))
    }
    // Partners with a single click: some of them are active only through a window's partial first day.
    for (const id of sparse) rows.push(click(new Date(base + rnd.int(0, 14 * DAY)), id))
    // Events exactly on each instant's boundaries, and 1 ms either side.
    for (const now of instants) {
      for (const edge of [now - 7 * DAY, now - DAY]) {
        for (const delta of [-1, 0, 1]) rows.push(click(new Date(edge + delta), rnd.pick(partners)))
      }
    }
    for (let i = 0; i < rows.length; i += 500) await insertClickEvents(t().database, rows.slice(i, i + 500))
    const statuses = ['confirmed', 'confirmed', 'confirmed', 'pending', 'rejected', 'reversed']
    const entries = []
    for (let i = 0; i < 600; i++) {
      entries.push({
        partnerId: rnd.pick(partners),
        type: 'conversion',
        status: rnd.pick(statuses),
        amountCents: rnd.int(1, 9_999),
        txnId: `r${i}`,
        createdAt: new Date(base - 40 * DAY + rnd.int(0, 55 * DAY)),
      })
    }
    for (const now of instants) {
      for (const edge of [now - 7 * DAY, now - DAY, now - 30 * DAY]) {
        for (const delta of [-1, 0, 1])
          entries.push({
            partnerId: rnd.pick(partners),
            type: 'conversion',
            status: 'confirmed',
            amountCents: rnd.int(1, 9_999),
            txnId: `e${entries.length}`,
            createdAt: new Date(edge + delta),
          })
      }
    }
    for (let i = 0; i < 8; i++)
      entries.push({
        partnerId: rnd.pick(partners),
        type: 'payout',
        status: 'paid',
        amountCents: -rnd.int(100, 5_000),
        txnId: null as unknown as string,
        createdAt: new Date(base + rnd.int(0, 10 * DAY)),
      })
    await db.walletEntry.createMany({ data: entries })
    for (const now of instants) {
      const s = await summary(db, config(t()), { now: new Date(now) })
      expect(pick(s), new Date(now).toISOString()).toEqual(await naive(db, new Date(now)))
    }
  })

  it('gives the 30-day daily series: clicks from the rollup, confirmed revenue by creation day', async () => {
    const { db } = t()
    const now = new Date('2026-06-15T15:00:00.000Z')
    const p = await db.partner.create({ data: { name: 'P' } })
    await insertClickEvents(t().database, [
      click(new Date('2026-06-15T00:00:00.000Z'), p.id),
      click(new Date('2026-06-15T14:59:59.999Z'), p.id),
      click(new Date('2026-06-14T23:59:59.999Z'), null),
      click(new Date('2026-06-14T12:00:00.000Z'), p.id, 'bot'),
      click(new Date('2026-05-17T00:00:00.000Z'), p.id), // first day of the 30
      click(new Date('2026-05-16T23:59:59.999Z'), p.id), // the day before: outside
    ])
    await db.walletEntry.createMany({
      data: [
        {
          partnerId: p.id,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 1_234,
          txnId: 'a',
          createdAt: new Date('2026-06-15T00:00:00.000Z'),
        },
        {
          partnerId: p.id,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 66,
          txnId: 'b',
          createdAt: new Date('2026-06-15T10:00:00.000Z'),
        },
        {
          partnerId: p.id,
          type: 'conversion',
          status: 'pending',
          amountCents: 999,
          txnId: 'c',
          createdAt: new Date('2026-06-15T10:00:00.000Z'),
        },
        {
          partnerId: p.id,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 500,
          txnId: 'd',
          createdAt: new Date('2026-06-14T23:59:59.999Z'),
        },
        {
          partnerId: p.id,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 700,
          txnId: 'e',
          createdAt: new Date('2026-05-16T23:59:59.999Z'),
        },
      ],
    })
    const series = await dailySeries(db, now)
    expect(series).toHaveLength(30)
    expect(series[0]!.day.toISOString()).toBe('2026-05-17T00:00:00.000Z')
    expect(series[29]!.day.toISOString()).toBe('2026-06-15T00:00:00.000Z')
    expect(series[29]).toMatchObject({ clicks: 2, conversions: 2, revenueCents: 1_300 })
    expect(series[28]).toMatchObject({ clicks: 1, conversions: 1, revenueCents: 500 })
    expect(series[0]).toMatchObject({ clicks: 1, conversions: 0, revenueCents: 0 })
    expect(series.reduce((s, p) => s + p.clicks, 0)).toBe(4)
    expect(series.reduce((s, p) => s + p.revenueCents, 0)).toBe(1_800)
  })
})
