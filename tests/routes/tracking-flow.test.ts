// The Bar, as a new operator would walk it: onboard through the admin
// API, click, postback, repeat, reversal, garbage — on both databases.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ledgerBalance } from '../../src/ledger/balances.ts'

const rules = { reservePct: 0.3, releaseDays: 30 }

describeEachDatabase('tracking: the full operator flow', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t(), { PUBLIC_BASE_URL: 'https://track.example.com' })
  })
  afterAll(async () => app.close())

  const api = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload: payload as object })
    return { status: res.statusCode, body: res.json<Record<string, unknown>>() }
  }

  it('onboards, clicks, converts once, ignores the repeat, reverses, and refuses garbage with reasons', async () => {
    const network = await api('POST', '/networks', { slug: 'awin', name: 'Awin', subidParam: 'clickref', defaultCurrency: 'EUR' })
    expect(network.status).toBe(201)
    const token = network.body.postbackToken as string
    expect(token.length).toBeGreaterThanOrEqual(16)

    const offer = await api('POST', '/offers', {
      network: 'awin',
      name: 'Box fibre',
      url: 'https://annonceur.example/fibre?affid=CF01#promo',
    })
    expect(offer.status).toBe(201)
    const partner = await api('POST', '/partners', { name: 'Camille Martin', email: 'camille@example.fr' })
    expect(partner.status).toBe(201)
    const assignment = await api('POST', '/assignments', { partnerId: partner.body.id, offerId: offer.body.id })
    expect(assignment.status).toBe(201)
    const code = assignment.body.code as string
    expect(assignment.body.link).toBe(`https://track.example.com/r/${code}`)

    // A click: 302 to the offer, affid kept, the sub-id in the network's parameter, fragment kept.
    const click = await app.inject({ url: `/r/${code}`, headers: { 'user-agent': 'Mozilla/5.0 (Windows NT 10.0) Chrome/130.0' } })
    expect(click.statusCode).toBe(302)
    const target = new URL(String(click.headers.location))
    expect(`${target.origin}${target.pathname}`).toBe('https://annonceur.example/fibre')
    expect(target.searchParams.get('affid')).toBe('CF01')
    expect(target.hash).toBe('#promo')
    const subid = target.searchParams.get('clickref')!
    expect(subid).toMatch(new RegExp(`^${partner.body.id}:${assignment.body.id}:[A-Za-z0-9]{22}$`))

    // A postback with that sub-id and a fresh txn id: 200 OK, once in the ledger.
    const postback = (q: Record<string, string>) =>
      app.inject({ url: `/aff/postback?${new URLSearchParams({ network: 'awin', token, subid, ...q })}` })
    const first = await postback({ txn_id: 'AW-1', amount: '12,50', currency: 'EUR', status: 'approved' })
    expect(first.statusCode).toBe(200)
    expect(first.body).toBe('OK')
    const partnerId = partner.body.id as number
    expect((await ledgerBalance(t().db, rules, { partnerId })).confirmedCents).toBe(1250)

    // The repeat does not double it.
    const repeat = await postback({ txn_id: 'AW-1', amount: '12,50', currency: 'EUR', status: 'approved' })
    expect(repeat.statusCode).toBe(200)
    expect(repeat.body).toBe('DUPLICATE')
    expect((await ledgerBalance(t().db, rules, { partnerId })).confirmedCents).toBe(1250)
    expect(await t().db.walletEntry.count({ where: { txnId: 'AW-1' } })).toBe(1)

    // A reversal takes it out of confirmed revenue.
    const reversal = await postback({ txn_id: 'AW-1', status: 'chargeback' })
    expect(reversal.statusCode).toBe(200)
    expect(reversal.body).toBe('OK')
    expect((await ledgerBalance(t().db, rules, { partnerId })).confirmedCents).toBe(0)
    const history = await t().db.walletEntryHistory.findMany({ where: { entry: { txnId: 'AW-1' } }, orderBy: { id: 'asc' } })
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.networkWord])).toEqual([
      [null, 'confirmed', 'approved'],
      ['confirmed', 'reversed', 'chargeback'],
    ])

    // Garbage: 4xx with a one-line reason, every one in the postback log.
    const before = await t().db.postbackLog.count()
    const garbage = [
      { q: `network=awin&token=${token}&subid=nonsense&txn_id=G1&amount=1&status=approved`, status: 400, reason: /malformed subid/ },
      { q: `network=awin&token=${token}&subid=${subid}&txn_id=G2&amount=abc&status=approved`, status: 400, reason: /not a number/ },
      { q: `network=awin&token=${token}&subid=${subid}&txn_id=G3&amount=-5&status=approved`, status: 400, reason: /negative/ },
      {
        q: `network=awin&token=${token}&subid=${subid}&txn_id=G4&amount=5&currency=JPY&status=approved`,
        status: 400,
        reason: /unknown currency JPY/,
      },
      { q: `network=nope&token=${token}&subid=${subid}&txn_id=G5&amount=5&status=approved`, status: 400, reason: /unknown network/ },
      { q: `network=awin&token=wrong-token-000000&subid=${subid}&txn_id=G6&amount=5&status=approved`, status: 403, reason: /bad token/ },
      { q: `network=awin&token=${token}&subid=${subid}&txn_id=G7&amount=5&status=maybe`, status: 400, reason: /unknown status/ },
      { q: '', status: 400, reason: /missing network/ },
    ]
    for (const g of garbage) {
      const res = await app.inject({ url: `/aff/postback?${g.q}` })
      expect(res.statusCode, g.q).toBe(g.status)
      expect(res.body).toMatch(/^ERROR [^\n]+$/)
      expect(res.body).toMatch(g.reason)
    }
    const logs = await t().db.postbackLog.findMany({ where: { id: { gt: 0 } }, orderBy: { id: 'asc' }, skip: before })
    expect(logs).toHaveLength(garbage.length)
    expect(logs.every((l) => l.outcome === 'rejected' || l.outcome === 'forbidden')).toBe(true)
    expect(logs.every((l) => l.reason && !l.rawQuery.includes(token))).toBe(true)
    expect(await t().db.walletEntry.count()).toBe(1)
  })
})
