// The postback token never reaches the log, whatever the declared content type
// and whatever the body's real shape: a form sent as JSON, JSON sent as a form,
// text that parses as neither, the token under another name or encoded. Each
// case is sent over HTTP on both databases, then its stored row is searched for
// the network's token and for the token given.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { readPostbackParams } from '../../src/postbacks/params.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const TOKEN = 'mask-Net_token.0123456789~abc'
const WRONG = 'wrong-guess-token-0123456789'

describeEachDatabase('postback token masking', (t) => {
  let app: FastifyInstance
  let subid = ''

  beforeAll(async () => {
    app = await buildTestApp(t())
    const api = async (url: string, payload: object) =>
      (await app.inject({ method: 'POST', url: `/admin/api${url}`, headers: adminHeaders, payload })).json<Record<string, unknown>>()
    await api('/networks', { slug: 'mask', name: 'Mask', postbackToken: TOKEN })
    const offer = await api('/offers', { network: 'mask', name: 'Offer', url: 'https://adv.example/o' })
    const partner = await api('/partners', { name: 'P' })
    const assignment = await api('/assignments', { partnerId: partner.id, offerId: offer.id, status: 'posted' })
    const click = await app.inject({ url: `/r/${assignment.code}`, headers: { 'user-agent': BROWSER } })
    subid = new URL(String(click.headers.location)).searchParams.get('subid')!
  })
  afterAll(async () => app.close())

  const form = (token: string, txn: string) =>
    new URLSearchParams({ network: 'mask', token, subid, txn_id: txn, amount: '3', status: 'approved' }).toString()
  const json = (token: string, txn: string) =>
    JSON.stringify({ network: 'mask', token, subid, txn_id: txn, amount: '3', status: 'approved' })

  const cases: { name: string; send: (token: string, txn: string) => { url: string; type: string; body?: string } }[] = [
    { name: 'a form body declared as JSON', send: (tk, txn) => ({ url: '/aff/postback', type: 'application/json', body: form(tk, txn) }) },
    {
      name: 'a JSON body declared as a form',
      send: (tk, txn) => ({ url: '/aff/postback', type: 'application/x-www-form-urlencoded', body: json(tk, txn) }),
    },
    {
      name: 'a JSON body declared as text',
      send: (tk, txn) => ({ url: '/aff/postback?network=mask', type: 'text/plain', body: json(tk, txn) }),
    },
    {
      name: 'unparseable JSON-like text',
      send: (tk, txn) => ({
        url: '/aff/postback?network=mask',
        type: 'application/json',
        body: `{"txn_id":"${txn}", "token" : "${tk}", oops`,
      }),
    },
    {
      name: 'unparseable text with token=',
      send: (tk, txn) => ({ url: '/aff/postback?network=mask', type: 'application/json', body: `garbage ${txn} token=${tk} more garbage` }),
    },
    {
      name: 'the token under another name',
      send: (tk, txn) => ({
        url: `/aff/postback?${form(tk, txn)}&sub2=${tk}`,
        type: 'application/x-www-form-urlencoded',
        body: `note=${encodeURIComponent(`see ${tk}`)}`,
      }),
    },
    {
      name: 'the token percent-encoded',
      send: (tk, txn) => ({
        url: `/aff/postback?${form('', txn).replace('token=', `token=${[...tk].map((c) => `%${c.charCodeAt(0).toString(16)}`).join('')}`)}`,
        type: 'text/plain',
      }),
    },
    {
      name: 'the token JSON-escaped under another key',
      send: (tk, txn) => ({
        url: `/aff/postback?${form(tk, txn)}`,
        type: 'application/json',
        body: `{"note":"${[...tk].map((c) => `\\u00${c.charCodeAt(0).toString(16)}`).join('')}"}`,
      }),
    },
    {
      name: 'an escaped token key in JSON',
      send: (tk, txn) => ({
        url: '/aff/postback?network=mask',
        type: 'application/json',
        body: `{"tok\\u0065n":"${tk}","txn_id":"${txn}"}`,
      }),
    },
  ]

  it("whatever the shape, neither the network's token nor the given one is stored", async () => {
    for (const [i, c] of cases.entries()) {
      for (const given of [TOKEN, WRONG]) {
        const txn = `MASK-${i}-${given === TOKEN ? 'good' : 'bad'}`
        const r = c.send(given, txn)
        // An address of its own per request: its one log line is the one searched.
        const ip = `203.0.113.${10 + 2 * i + (given === TOKEN ? 0 : 1)}`
        const res = await app.inject({
          method: 'POST',
          url: r.url,
          payload: r.body ?? '',
          headers: { 'content-type': r.type },
          remoteAddress: ip,
        })
        expect(res.statusCode, res.body).toBeLessThan(500)
        const row = await t().db.postbackLog.findFirstOrThrow({ where: { sourceIp: ip } })
        const stored = `${row.rawQuery}\n${row.rawBody ?? ''}`
        expect(stored, `${c.name} (${given === TOKEN ? 'network token' : 'wrong token'})`).not.toContain(given)
        expect(stored).not.toContain(TOKEN)
        expect(decodeURIComponent(stored.replace(/%(?![0-9a-f]{2})/gi, '%25')).toLowerCase(), c.name).not.toContain(given.toLowerCase())
      }
    }
    // A well-formed request keeps what a replay reads: the mask, the rest as sent.
    const res = await app.inject({
      method: 'POST',
      url: '/aff/postback',
      payload: json(TOKEN, 'MASK-ok'),
      headers: { 'content-type': 'application/json' },
    })
    expect([res.statusCode, res.body]).toEqual([200, 'OK'])
    const row = await t().db.postbackLog.findFirstOrThrow({ where: { rawBody: { contains: 'MASK-ok' } } })
    const read = readPostbackParams(row.rawQuery, row.rawBody, 'json')
    expect(read.ok).toBe(true)
    expect(read.params).toMatchObject({ network: 'mask', subid, txn_id: 'MASK-ok', token: expect.stringMatching(/^\*\*\*[0-9a-f]{12}$/) })
  })
})
