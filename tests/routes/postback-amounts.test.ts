// Amounts over HTTP, on real databases, as networks write them: an ambiguous
// "1,234" is a 400 on a network that declared no decimal separator and €1,234.00
// on one that declares "."; localized, grouped and JSON amounts book the right
// cents; the separator is set and shown through the admin API.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

describeEachDatabase('postback amounts', (t) => {
  let app: FastifyInstance
  let partnerId = 0
  let txn = 0

  const api = (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })

  const ok = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => {
    const res = await api(method, url, payload)
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  /** A network with one live link, and the sub-id of one real click on it. */
  async function network(body: Record<string, unknown> & { slug: string }) {
    const created = await ok('POST', '/networks', { name: body.slug, ...body })
    const offer = await ok('POST', '/offers', { network: body.slug, name: `Offer ${body.slug}`, url: 'https://adv.example/o' })
    const assignment = await ok('POST', '/assignments', { partnerId, offerId: offer.id, status: 'posted' })
    const click = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
    expect(click.statusCode).toBe(302)
    const subid = new URL(String(click.headers.location)).searchParams.get(created.subidParam as string)!
    const token = created.postbackToken as string
    /** Fires one postback with a new transaction id; gives the answer and the entry it booked, if any. */
    const fire = async (params: Record<string, string>, json?: Record<string, unknown>) => {
      const txnId = `T${++txn}`
      const query = new URLSearchParams({ network: body.slug, token, subid, txn_id: txnId, status: 'approved', ...params })
      const res = json
        ? await app.inject({ method: 'POST', url: `/aff/postback?${query}`, payload: json })
        : await app.inject({ url: `/aff/postback?${query}` })
      const entry = await t().db.walletEntry.findFirst({ where: { networkId: created.id as number, txnId } })
      return { status: res.statusCode, body: res.body, entry }
    }
    return { created, fire }
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { FX_RATES: 'USD=0.92,GBP=1.17' })
    partnerId = (await ok('POST', '/partners', { name: 'Inès' })).id as number
  })
  afterAll(async () => app.close())

  it('"1,234" is refused as ambiguous without a declared separator, €1,234.00 with "."', async () => {
    const plain = await network({ slug: 'plain' })
    expect(plain.created.decimalSeparator).toBeNull()
    for (const amount of ['1,234', '1.234', '-1.234']) {
      const r = await plain.fire({ amount })
      expect(r.status, amount).toBe(400)
      expect(r.body, amount).toMatch(/^ERROR ambiguous amount/)
      expect(r.entry).toBeNull()
    }

    const dotted = await network({ slug: 'dotted', decimalSeparator: '.' })
    expect(dotted.created.decimalSeparator).toBe('.')
    const r = await dotted.fire({ amount: '1,234' })
    expect([r.status, r.body]).toEqual([200, 'OK'])
    expect(r.entry).toMatchObject({ amountCents: 123_400, originalAmount: '1234', originalCurrency: 'EUR' })
    expect((await dotted.fire({ amount: '1.234' })).entry).toMatchObject({ amountCents: 123, originalAmount: '1.234' })
    // "," is then only a thousands separator: "12,50" cannot be read on this network.
    const comma = await dotted.fire({ amount: '12,50' })
    expect([comma.status, comma.body]).toEqual([
      400,
      'ERROR amount "12,50": the network declares "." as its decimal separator, so "," may only separate thousands',
    ])

    const commaNetwork = await network({ slug: 'comma', decimalSeparator: ',' })
    expect((await commaNetwork.fire({ amount: '1.234' })).entry).toMatchObject({ amountCents: 123_400 })
    expect((await commaNetwork.fire({ amount: '1,234' })).entry).toMatchObject({ amountCents: 123 })
  })

  it('localized and grouped amounts book the right cents', async () => {
    const n = await network({ slug: 'localized' })
    const cases: [string, number, string][] = [
      ['1.234,56', 123_456, '1234.56'],
      ['1,234.56', 123_456, '1234.56'],
      ['1 234,56', 123_456, '1234.56'],
      ['1\u00a0234,56', 123_456, '1234.56'],
      ['1\u202f234,56', 123_456, '1234.56'],
      ['12,50', 1250, '12.50'],
      ['12.50 EUR', 1250, '12.50'],
    ]
    for (const [amount, cents, original] of cases) {
      const r = await n.fire({ amount })
      expect([r.status, r.body], amount).toEqual([200, 'OK'])
      expect(r.entry, amount).toMatchObject({ amountCents: cents, originalAmount: original, originalCurrency: 'EUR' })
    }
    // A code glued to the amount is its currency, and must agree with the currency parameter.
    expect((await n.fire({ amount: '12.50 USD' })).entry).toMatchObject({ amountCents: 1150, originalCurrency: 'USD', fxRate: '0.92' })
    expect((await n.fire({ amount: 'GBP 10', currency: 'gbp' })).entry).toMatchObject({ amountCents: 1170 })
    const disagree = await n.fire({ amount: '12.50 USD', currency: 'EUR' })
    expect([disagree.status, disagree.body, disagree.entry]).toEqual([400, 'ERROR amount is in USD but currency says EUR', null])
    for (const [amount, reason] of [
      ['$12', /currency symbol/],
      ['1e3', /exponent/],
      ['1,23,456', /grouping/],
      ['1.123456789', /more than 8 decimals/],
    ] as const) {
      const r = await n.fire({ amount })
      expect(r.status, amount).toBe(400)
      expect(r.body, amount).toMatch(reason)
    }
  })

  it('a JSON number is a number: 1.234 is €1.23, and float noise is read away', async () => {
    const n = await network({ slug: 'jsonish', decimalSeparator: ',' })
    expect((await n.fire({}, { amount: 1.234 })).entry).toMatchObject({ amountCents: 123, originalAmount: '1.234' })
    expect((await n.fire({}, { amount: 0.1 + 0.2 })).entry).toMatchObject({ amountCents: 30, originalAmount: '0.3' })
    // The same text as a JSON string is the network's own spelling, read with its declared separator.
    expect((await n.fire({}, { amount: '1.234' })).entry).toMatchObject({ amountCents: 123_400 })
  })

  it('the admin API sets, shows and validates the decimal separator; the postback reads the change', async () => {
    const n = await network({ slug: 'switching' })
    expect((await n.fire({ amount: '2,500' })).status).toBe(400)
    expect(await ok('PATCH', '/networks/switching', { decimalSeparator: '.' })).toMatchObject({ decimalSeparator: '.' })
    expect((await n.fire({ amount: '2,500' })).entry).toMatchObject({ amountCents: 250_000 })
    expect(await ok('PATCH', '/networks/switching', { decimalSeparator: ',' })).toMatchObject({ decimalSeparator: ',' })
    expect((await n.fire({ amount: '2,500' })).entry).toMatchObject({ amountCents: 250 })
    expect(await ok('PATCH', '/networks/switching', { decimalSeparator: null })).toMatchObject({ decimalSeparator: null })
    expect((await n.fire({ amount: '2,500' })).status).toBe(400)
    const listed = (await ok('GET', '/networks')).networks as Record<string, unknown>[]
    expect(listed.find((x) => x.slug === 'switching')).toMatchObject({ decimalSeparator: null })

    for (const bad of [';', ' ', 'comma', 1, '']) {
      const patch = await api('PATCH', '/networks/switching', { decimalSeparator: bad })
      expect(patch.statusCode, String(bad)).toBe(400)
      expect(patch.body).toMatch(/decimalSeparator/)
      const create = await api('POST', '/networks', {
        slug: `bad-${Math.random().toString(36).slice(2, 8)}`,
        name: 'x',
        decimalSeparator: bad,
      })
      expect(create.statusCode, String(bad)).toBe(400)
    }
  })
})
