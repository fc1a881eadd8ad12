// The lifecycle of DESIGN.md "Postback contract" as a network and ops see it, on
// both databases: every status move applied (never a 409: the network would
// retry forever), a late pending a DUPLICATE, amount corrections, partial
// returns (never below 0, a retried return booked once), a return on an unknown
// conversion refused, one conversion per click for networks without a txn id,
// money reversed after it was paid owed back — each read through
// GET /admin/api/conversions, which is tested here too (found, 404, filters,
// keyset pages).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { CONVERSION_STATUSES, type ConversionStatus } from '../../src/ledger/transitions.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
/** A default word of each status (DESIGN.md). */
const WORD: Record<ConversionStatus, string> = { pending: 'pending', confirmed: 'approved', rejected: 'declined', reversed: 'chargeback' }

interface Conversion {
  id: number
  network: string
  txnId: string
  partnerId: number | null
  clickId: string
  status: string
  amountCents: number
  originalAmount: string
  originalCurrency: string
  fxRate: string
  flag: string | null
  createdAt: string
  history: { at: string; fromStatus: string | null; toStatus: string; amountCents: number | null; word: string; source: string }[]
}

describeEachDatabase('conversion lifecycle', (t) => {
  let app: FastifyInstance
  let partnerId = 0

  const api = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  /** A network (its own partner, offer and link) and a function giving the sub-id of a new real click. */
  async function onboard(body: Record<string, unknown> & { slug: string }) {
    const network = await api('POST', '/networks', body)
    const partner = (await api('POST', '/partners', { name: `P ${body.slug}` })).id as number
    const offer = await api('POST', '/offers', { network: body.slug, name: `Offer ${body.slug}`, url: 'https://adv.example/o' })
    const assignment = await api('POST', '/assignments', { partnerId: partner, offerId: offer.id, status: 'posted' })
    const click = async () => {
      const res = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
      expect(res.statusCode).toBe(302)
      return new URL(String(res.headers.location)).searchParams.get(network.subidParam as string)!
    }
    return { slug: body.slug, token: network.postbackToken as string, partnerId: partner, click, subid: await click() }
  }

  const post = (n: { slug: string; token: string; subid: string }, q: Record<string, string>) =>
    app.inject({ url: `/aff/postback?${new URLSearchParams({ network: n.slug, token: n.token, subid: n.subid, ...q })}` })
  const answer = async (n: { slug: string; token: string; subid: string }, q: Record<string, string>) => {
    const res = await post(n, q)
    return `${res.statusCode} ${res.body}`
  }
  const conversion = async (network: string, txnId: string) => {
    const res = await app.inject({
      url: `/admin/api/conversions?${new URLSearchParams({ network, txn_id: txnId })}`,
      headers: adminHeaders,
    })
    expect(res.statusCode, res.body).toBe(200)
    return res.json<Conversion>()
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { FX_RATES: 'USD=0.92', PAYOUT_RESERVE_PCT: '0' })
    partnerId = (await api('POST', '/partners', { name: 'Inès' })).id as number
  })
  afterAll(async () => app.close())

  describe('every move among the four statuses', () => {
    const pairs = CONVERSION_STATUSES.flatMap((from) => CONVERSION_STATUSES.map((to) => [from, to] as const))
    let n: Awaited<ReturnType<typeof onboard>>
    beforeAll(async () => {
      n = await onboard({ slug: 'moves', name: 'Moves' })
    })

    it.each(pairs)('%s → %s', async (from, to) => {
      const txn = `M-${from}-${to}`
      expect(await answer(n, { txn_id: txn, status: WORD[from], amount: '10.00' })).toBe('200 OK')
      const repeat = from === to || (to === 'pending' && from !== 'pending')
      expect(await answer(n, { txn_id: txn, status: WORD[to] })).toBe(repeat ? '200 DUPLICATE' : '200 OK')
      const c = await conversion('moves', txn)
      expect({ status: c.status, amountCents: c.amountCents }).toEqual({ status: repeat ? from : to, amountCents: 1000 })
      const expected = [{ fromStatus: null, toStatus: from, amountCents: 1000, word: WORD[from], source: 'postback' }]
      if (!repeat)
        expected.push({ fromStatus: from as never, toStatus: to, amountCents: null as never, word: WORD[to], source: 'postback' })
      expect(c.history.map(({ at: _at, ...h }) => h)).toEqual(expected)
    })
  })

  it('a late pending after a decision is a DUPLICATE, its word kept in the postback log', async () => {
    const n = await onboard({ slug: 'late', name: 'Late' })
    expect(await answer(n, { txn_id: 'L1', status: 'approved', amount: '20.00' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'L1', status: 'hold', amount: '25.00' })).toBe('200 DUPLICATE')
    const c = await conversion('late', 'L1')
    expect([c.status, c.amountCents, c.history.length]).toEqual(['confirmed', 2000, 1])
    const line = await t().db.postbackLog.findFirstOrThrow({ where: { networkSlug: 'late' }, orderBy: { id: 'desc' } })
    expect(line.rawQuery).toContain('status=hold')
    expect([line.outcome, line.reason, line.entryId]).toEqual([
      'duplicate',
      'late pending ignored: the conversion is already confirmed',
      c.id,
    ])
  })

  it("a new amount corrects the entry (Impact's modified); the same amount again is a DUPLICATE", async () => {
    const n = await onboard({ slug: 'fix', name: 'Fix' })
    expect(await answer(n, { txn_id: 'F1', status: 'pending', amount: '10.00', currency: 'USD' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'F1', status: 'pending', amount: '12.00', currency: 'USD' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'F1', status: 'pending', amount: '12', currency: 'USD' })).toBe('200 DUPLICATE')
    expect(await answer(n, { txn_id: 'F1', status: 'approved' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'F1', status: 'approved', amount: '12.00', currency: 'USD' })).toBe('200 DUPLICATE')
    expect(await answer(n, { txn_id: 'F1', status: 'approved', amount: '11.00', currency: 'USD' })).toBe('200 OK')
    const c = await conversion('fix', 'F1')
    expect({ status: c.status, amountCents: c.amountCents, originalAmount: c.originalAmount, currency: c.originalCurrency }).toEqual({
      status: 'confirmed',
      amountCents: 1012,
      originalAmount: '11.00',
      currency: 'USD',
    })
    expect(c.history.map((h) => [h.fromStatus, h.toStatus, h.amountCents])).toEqual([
      [null, 'pending', 920],
      ['pending', 'pending', 1104],
      ['pending', 'confirmed', null],
      ['confirmed', 'confirmed', 1012],
    ])
  })

  it('a negative amount is a partial return: the entry decreases, never below 0; a retried return counts once', async () => {
    const n = await onboard({ slug: 'ret', name: 'Returns' })
    expect(await answer(n, { txn_id: 'R1', status: 'approved', amount: '100.00' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'R1', status: 'approved', amount: '-30.00' })).toBe('200 OK')
    // The network did not see our answer and sends it again: not a second return.
    expect(await answer(n, { txn_id: 'R1', status: 'approved', amount: '-30.00' })).toBe('200 DUPLICATE')
    expect((await conversion('ret', 'R1')).amountCents).toBe(7000)
    expect(await answer(n, { txn_id: 'R1', status: 'approved', amount: '-50,00' })).toBe('200 OK')
    expect(await answer(n, { txn_id: 'R1', status: 'approved', amount: '-45.00' })).toBe('200 OK')
    const c = await conversion('ret', 'R1')
    expect([c.status, c.amountCents, c.originalAmount]).toEqual(['confirmed', 0, '0.00'])
    expect(c.history.map((h) => h.amountCents)).toEqual([10_000, -3000, -5000, -4500])
  })

  it('a return on an unknown conversion is refused with a reason, and nothing is written', async () => {
    const n = await onboard({ slug: 'noret', name: 'No return' })
    const res = await post(n, { txn_id: 'U1', status: 'approved', amount: '-5.00' })
    expect(res.statusCode).toBe(400)
    expect(res.body).toMatch(/^ERROR negative amount for an unknown conversion/)
    expect(await t().db.walletEntry.count({ where: { txnId: 'U1' } })).toBe(0)
    expect((await app.inject({ url: '/admin/api/conversions?network=noret&txn_id=U1', headers: adminHeaders })).statusCode).toBe(404)
  })

  it('a network that deduplicates by click: no txn_id needed, one conversion per click', async () => {
    const n = await onboard({ slug: 'byclick', name: 'By click', dedupeBy: 'click' })
    const clickId = n.subid.split(':')[2]!
    expect(await answer(n, { status: 'lead', amount: '3.00' })).toBe('200 OK')
    expect(await answer(n, { status: 'lead', amount: '3.00' })).toBe('200 DUPLICATE')
    expect(await answer(n, { status: 'approved' })).toBe('200 OK')
    // Whatever txn id it may send, the click decides.
    expect(await answer(n, { txn_id: 'ANY', status: 'approved', amount: '3.00' })).toBe('200 DUPLICATE')
    const c = await conversion('byclick', clickId)
    expect([c.txnId, c.clickId, c.status, c.amountCents, c.partnerId, c.flag]).toEqual([
      clickId,
      clickId,
      'confirmed',
      300,
      n.partnerId,
      null,
    ])
    // Another click is another conversion.
    const other = { ...n, subid: await n.click() }
    expect(await answer(other, { status: 'approved', amount: '4.00' })).toBe('200 OK')
    expect(await t().db.walletEntry.count({ where: { network: { slug: 'byclick' } } })).toBe(2)
    // A network keyed on txn ids still needs one.
    const m = await onboard({ slug: 'bytxn', name: 'By txn' })
    expect(await answer(m, { status: 'approved', amount: '3.00' })).toBe('400 ERROR missing txn_id')
  })

  it('money reversed after it was paid out: the partner owes it, nothing is available', async () => {
    const n = await onboard({ slug: 'clawback', name: 'Clawback' })
    expect(await answer(n, { txn_id: 'P1', status: 'approved', amount: '80.00' })).toBe('200 OK')
    const payout = await api('POST', '/payouts', { partnerId: n.partnerId, amountCents: 8000 })
    await api('POST', `/payouts/${String(payout.id)}/approve`)
    await api('POST', `/payouts/${String(payout.id)}/pay`, { reference: 'VIR-1' })
    expect(await answer(n, { txn_id: 'P1', status: 'chargeback' })).toBe('200 OK')
    expect(await api('GET', `/partners/${n.partnerId}/balance`)).toMatchObject({
      confirmedCents: 0,
      paidCents: 8000,
      availableCents: 0,
      owedCents: 8000,
    })
    // Re-approved by the network: the debt is gone.
    expect(await answer(n, { txn_id: 'P1', status: 'approved' })).toBe('200 OK')
    expect(await api('GET', `/partners/${n.partnerId}/balance`)).toMatchObject({ availableCents: 0, owedCents: 0 })
  })

  describe('GET /admin/api/conversions', () => {
    let a: Awaited<ReturnType<typeof onboard>>
    beforeAll(async () => {
      a = await onboard({ slug: 'readapi', name: 'Read API' })
      for (let i = 0; i < 7; i++)
        expect(await answer(a, { txn_id: `Q${i}`, status: i % 2 ? 'approved' : 'pending', amount: `${i + 1}.00` })).toBe('200 OK')
      // One conversion whose click is unknown: flagged.
      const [p, asg] = a.subid.split(':')
      expect(
        await answer({ ...a, subid: `${p}:${asg}:NOSUCHCLICKaaaaaaaaaaa` }, { txn_id: 'QF', status: 'approved', amount: '9.00' }),
      ).toBe('200 OK')
    })
    const list = async (q: Record<string, string>) => {
      const res = await app.inject({ url: `/admin/api/conversions?${new URLSearchParams(q)}`, headers: adminHeaders })
      expect(res.statusCode, res.body).toBe(200)
      return res.json<{ items: Conversion[]; nextPage: string | null }>()
    }

    it('one conversion with every field, or a 404', async () => {
      const c = await conversion('readapi', 'Q3')
      expect(c).toEqual({
        id: expect.any(Number) as unknown,
        network: 'readapi',
        txnId: 'Q3',
        partnerId: a.partnerId,
        clickId: a.subid.split(':')[2],
        status: 'confirmed',
        amountCents: 400,
        // Booked at the default terms: the partner earns what the network pays.
        revenueCents: 400,
        terms: { mode: 'revshare', value: 100 },
        originalAmount: '4.00',
        originalCurrency: 'EUR',
        fxRate: '1',
        flag: null,
        createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) as unknown,
        history: [
          {
            at: expect.stringMatching(/Z$/) as unknown,
            fromStatus: null,
            toStatus: 'confirmed',
            amountCents: 400,
            word: 'approved',
            source: 'postback',
          },
        ],
      })
      for (const q of ['network=readapi&txn_id=NOPE', 'network=nosuchnet&txn_id=Q3'])
        expect((await app.inject({ url: `/admin/api/conversions?${q}`, headers: adminHeaders })).statusCode).toBe(404)
      expect((await app.inject({ url: '/admin/api/conversions?txn_id=Q3', headers: adminHeaders })).statusCode).toBe(400)
    })

    it('lists newest first, filtered by network, status, flag, partner and dates', async () => {
      const all = await list({ network: 'readapi' })
      expect(all.items.map((c) => c.txnId)).toEqual(['QF', 'Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1', 'Q0'])
      expect(all.nextPage).toBeNull()
      expect((await list({ network: 'readapi', status: 'pending' })).items.map((c) => c.txnId)).toEqual(['Q6', 'Q4', 'Q2', 'Q0'])
      expect((await list({ network: 'readapi', flag: 'unknown_click' })).items.map((c) => c.txnId)).toEqual(['QF'])
      expect((await list({ network: 'readapi', flag: 'any' })).items.map((c) => c.txnId)).toEqual(['QF'])
      expect((await list({ network: 'readapi', flag: 'none' })).items).toHaveLength(7)
      expect((await list({ partner: String(a.partnerId), status: 'confirmed' })).items.map((c) => c.txnId)).toEqual([
        'QF',
        'Q5',
        'Q3',
        'Q1',
      ])
      expect((await list({ partner: String(partnerId) })).items).toEqual([])
      const today = new Date().toISOString().slice(0, 10)
      expect((await list({ network: 'readapi', from: today, to: today })).items).toHaveLength(8)
      expect((await list({ network: 'readapi', to: '2000-01-01' })).items).toEqual([])
      expect((await list({ network: 'readapi', from: new Date(Date.now() + 60_000).toISOString() })).items).toEqual([])
    })

    it('pages by cursor, each item once, with a bounded page size', async () => {
      const seen: string[] = []
      let cursor: string | null = null
      let pages = 0
      do {
        const page: { items: Conversion[]; nextPage: string | null } = await list({
          network: 'readapi',
          limit: '3',
          ...(cursor ? { cursor } : {}),
        })
        expect(page.items.length).toBeLessThanOrEqual(3)
        seen.push(...page.items.map((c) => c.txnId))
        cursor = page.nextPage
        pages++
      } while (cursor !== null)
      expect([pages, seen]).toEqual([3, ['QF', 'Q6', 'Q5', 'Q4', 'Q3', 'Q2', 'Q1', 'Q0']])
      for (const q of ['limit=0', 'limit=201', 'cursor=garbage', 'status=approved', 'from=yesterday'])
        expect((await app.inject({ url: `/admin/api/conversions?network=readapi&${q}`, headers: adminHeaders })).statusCode, q).toBe(400)
      // Without the admin secret: nothing.
      expect((await app.inject({ url: '/admin/api/conversions?network=readapi' })).statusCode).toBe(401)
    })
  })
})
