// Text the database cannot store (a NUL, a lone UTF-16 surrogate) anywhere in
// console, admin API or login input is a 400 with a one-line reason, on both
// databases: never a 500 (PostgreSQL refuses such text), never stored (SQLite
// would take it). Written as a user who pastes such a character would notice.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { findUnstorableText } from '../../src/plugins/text-input.ts'

const form = { ...adminHeaders, 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' }

describeEachDatabase('edge: text input the database cannot store', (t) => {
  let app: FastifyInstance
  let partnerId = 0

  beforeAll(async () => {
    app = await buildTestApp(t())
    const res = await app.inject({ method: 'POST', url: '/admin/api/partners', headers: adminHeaders, payload: { name: 'Texte' } })
    expect(res.statusCode, res.body).toBe(201)
    partnerId = res.json<{ id: number }>().id
  })
  afterAll(async () => app.close())

  /**
   * A 400 whose reason is one line: for the API, in English, naming the field; for a
   * person (a console or login page), in French, saying what to do.
   */
  function expectRefused(res: { statusCode: number; body: string; headers: Record<string, unknown> }, what: RegExp) {
    expect(res.statusCode, res.body.slice(0, 300)).toBe(400)
    if (String(res.headers['content-type']).startsWith('text/html')) {
      expect(res.body).toMatch(/Texte refusé : [^\n<]*caractère[^\n<]*Retapez-le\./)
      expect(res.body).not.toMatch(what)
    } else {
      expect(res.body).toMatch(what)
      expect(res.body).toMatch(/text input refused: [^\n]*/)
    }
  }

  it('a NUL in a partner name via the JSON API: 400, nothing stored', async () => {
    for (const name of ['Evil\u0000Corp', '\u0000']) {
      const res = await app.inject({ method: 'POST', url: '/admin/api/partners', headers: adminHeaders, payload: { name } })
      expectRefused(res, /body\.name contains a NUL character/)
      expect(res.json()).toEqual({ error: expect.stringMatching(/^text input refused: body\.name contains a NUL character$/) })
    }
    // Deep inside a JSON body, and in a field name, too.
    const nested = await app.inject({
      method: 'POST',
      url: '/admin/api/networks',
      headers: adminHeaders,
      payload: { slug: 'nul', name: 'Nul', statusWords: { 'sa\u0000le': 'confirmed' } },
    })
    expectRefused(nested, /field name in body\.statusWords contains a NUL character/)
    const listed = await app.inject({
      method: 'POST',
      url: '/admin/api/networks',
      headers: adminHeaders,
      payload: { slug: 'nul2', name: 'Nul', allowedIps: ['203.0.113.1', '10.0.0.1\u0000'] },
    })
    expectRefused(listed, /body\.allowedIps\[1\] contains a NUL character/)
    expect(await t().db.partner.count({ where: { name: { contains: 'Evil' } } })).toBe(0)
    expect(await t().db.network.count({ where: { slug: { in: ['nul', 'nul2'] } } })).toBe(0)
  })

  it('a lone surrogate in a JSON body: 400', async () => {
    // JSON.stringify escapes a lone surrogate as \ud800, which JSON.parse turns back into one.
    const payload = `{"name":"Broken \\ud800 name"}`
    const res = await app.inject({
      method: 'POST',
      url: '/admin/api/partners',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload,
    })
    expectRefused(res, /body\.name contains a lone surrogate/)
    const low = await app.inject({
      method: 'POST',
      url: '/admin/api/partners',
      headers: { ...adminHeaders, 'content-type': 'application/json' },
      payload: `{"name":"x\\udc00"}`,
    })
    expectRefused(low, /lone surrogate/)
    // A well-formed pair (an emoji) is text like any other.
    const emoji = await app.inject({ method: 'POST', url: '/admin/api/partners', headers: adminHeaders, payload: { name: 'Café 🎉' } })
    expect(emoji.statusCode, emoji.body).toBe(201)
  })

  it('a NUL in a hold reason via the console form: 400, the partner not on hold', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/ops/holds',
      headers: form,
      payload: new URLSearchParams({ partnerId: String(partnerId), reason: 'fraude\u0000suspecte' }).toString(),
    })
    expectRefused(res, /body\.reason contains a NUL character/)
    expect(await t().db.partnerFlag.count({ where: { partnerId } })).toBe(0)
    // Percent-encoded in the form, it is the same character once parsed.
    const encoded = await app.inject({ method: 'POST', url: '/ops/holds', headers: form, payload: `partnerId=${partnerId}&reason=a%00b` })
    expectRefused(encoded, /body\.reason contains a NUL character/)
  })

  it('a NUL in a query string or a route param: 400, never 500', async () => {
    expectRefused(
      await app.inject({ url: '/admin/partners?q=a%00b', headers: { ...adminHeaders, accept: 'text/html' } }),
      /query\.q contains a NUL character/,
    )
    expectRefused(
      await app.inject({ url: '/admin/api/offers?network=%00', headers: adminHeaders }),
      /query\.network contains a NUL character/,
    )
    expectRefused(
      await app.inject({ url: '/admin/payouts?partner=x%00', headers: { ...adminHeaders, accept: 'text/html' } }),
      /query\.partner/,
    )
    expectRefused(
      await app.inject({ url: '/admin/api/networks/a%00b/postback-url', headers: adminHeaders }),
      /params\.slug contains a NUL character/,
    )
    expectRefused(
      await app.inject({ method: 'PATCH', url: '/admin/api/networks/x%00', headers: adminHeaders, payload: { name: 'x' } }),
      /params\.slug/,
    )
  })

  it('the login form refuses it too, before anything else', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/login',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
      payload: 'secret=a%00b&next=%2Fadmin',
    })
    expectRefused(res, /body\.secret contains a NUL character/)
  })

  it('ordinary text, accents and all, passes', async () => {
    const ok = await app.inject({
      method: 'POST',
      url: '/admin/api/partners',
      headers: adminHeaders,
      payload: { name: 'Ünïcödé — “quotes” \t tab' },
    })
    expect(ok.statusCode, ok.body).toBe(201)
    const search = await app.inject({ url: '/admin/partners?q=%C3%9Cn%C3%AF', headers: { ...adminHeaders, accept: 'text/html' } })
    expect(search.statusCode).toBe(200)
  })
})

it('finds the first unstorable string at any depth, with its path', () => {
  expect(findUnstorableText({ a: [{ b: 'ok' }, { c: 'x\u0000' }] }, 'body')).toBe('body.a[1].c contains a NUL character')
  expect(findUnstorableText({ a: 1, b: null, c: true, d: ['é', '🎉'] }, 'body')).toBeNull()
  let deep: unknown = 'x'
  for (let i = 0; i < 100; i++) deep = [deep]
  expect(findUnstorableText(deep, 'body')).toMatch(/nested too deeply/)
})
