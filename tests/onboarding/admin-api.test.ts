// The onboarding API under /admin/api: guarded, zod-validated with clear 400s,
// and the postback URL an operator pastes into each network.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

describeEachDatabase('admin onboarding API', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t(), { HOST: '127.0.0.1', PORT: '4321' })
  })
  afterAll(async () => app.close())

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown, headers: Record<string, string> = adminHeaders) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers, payload: payload as object })
    return { status: res.statusCode, body: res.json<Record<string, any>>() }
  }

  it('is behind the admin secret', async () => {
    for (const [method, url] of [
      ['GET', '/networks'],
      ['POST', '/networks'],
      ['PATCH', '/networks/x'],
      ['GET', '/networks/x/postback-url'],
      ['POST', '/offers'],
      ['PATCH', '/offers/1'],
      ['POST', '/partners'],
      ['POST', '/assignments'],
      ['PATCH', '/assignments/1'],
    ] as const) {
      const res = await call(method, url, {}, { 'x-admin-secret': 'not-the-secret-00000000000' })
      expect(res.status, `${method} ${url}`).toBe(401)
    }
  })

  it('creates a network with defaults from its preset and a generated token', async () => {
    const res = await call('POST', '/networks', {
      slug: 'EF-Main',
      name: 'Everflow main',
      preset: 'everflow',
      defaultCurrency: 'usd',
      allowedIps: ['203.0.113.0/24', '198.51.100.7'],
    })
    expect(res.status).toBe(201)
    expect(res.body).toMatchObject({
      slug: 'ef-main',
      subidParam: 'sub1',
      subidSeparator: ':',
      defaultCurrency: 'USD',
      allowedIps: ['203.0.113.0/24', '198.51.100.7'],
      hasToken: true,
    })
    expect(res.body.postbackToken).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(res.body.postbackUrl).toBe(
      `http://127.0.0.1:4321/aff/postback?subid={sub1}&amount={payout_amount}&status=approved&txn_id={transaction_id}&network=ef-main&token=${res.body.postbackToken}`,
    )
    const list = await call('GET', '/networks')
    expect(list.body.networks.map((n: { slug: string }) => n.slug)).toContain('ef-main')
    expect(JSON.stringify(list.body)).not.toContain(res.body.postbackToken)
    const audit = await t().db.auditLog.findFirstOrThrow({ where: { subject: 'network:ef-main' } })
    expect(audit).toMatchObject({ actor: 'admin-api', action: 'network.create' })
  })

  it('refuses bad network bodies with clear 400s, and a duplicate slug with 409', async () => {
    const bad: [unknown, RegExp][] = [
      [{}, /slug/],
      [{ slug: 'ok', name: 'x', subidSeparator: '|' }, /subidSeparator/],
      [{ slug: 'bad slug', name: 'x' }, /slug/],
      [{ slug: 'ok', name: 'x', postbackToken: 'short' }, /postbackToken/],
      [{ slug: 'ok', name: 'x', allowedIps: 'example.com' }, /allowedIps: "example.com" is not an IP/],
      [{ slug: 'ok', name: 'x', defaultCurrency: 'JPY' }, /JPY has no rate in FX_RATES/],
      [{ slug: 'ok', name: 'x', statusWords: { sale: 'won' } }, /statusWords/],
      [{ slug: 'ok', name: 'x', preset: 'linkshare' }, /preset/],
      [{ slug: 'ok', name: 'x', fieldMap: { subid: 'a b' } }, /fieldMap\.subid: "a b" is not a parameter name/],
      [{ slug: 'ok', name: 'x', fieldMap: { token: 'key' } }, /fieldMap\.token: token is read under our own name/],
      [{ slug: 'ok', name: 'x', fieldMap: { payout: 'p' } }, /fieldMap\.payout: not one of our fields/],
      [{ slug: 'ok', name: 'x', fieldMap: { txn_id: 'data/key' } }, /fieldMap\.txn_id/],
      [{ slug: 'ok', name: 'x', fieldMap: { txn_id: '/data/a~2' } }, /~0/],
      [{ slug: 'ok', name: 'x', fieldMap: { amount: 'subid' } }, /our own parameter for another field/],
      [{ slug: 'ok', name: 'x', fieldMap: { amountUnit: 'mills' } }, /amountUnit/],
      [{ slug: 'ok', name: 'x', dedupeBy: 'order' }, /dedupeBy/],
      [{ slug: 'ok', name: 'x', subidParam: 'a b' }, /subidParam/],
      [{ slug: 'ok', name: 'x', surprise: true }, /surprise|unrecognized/i],
    ]
    for (const [body, reason] of bad) {
      const res = await call('POST', '/networks', body)
      expect(res.status, JSON.stringify(body)).toBe(400)
      expect(res.body.error).toMatch(reason)
    }
    expect((await call('POST', '/networks', { slug: 'dup', name: 'Dup' })).status).toBe(201)
    const dup = await call('POST', '/networks', { slug: 'dup', name: 'Dup again' })
    expect([dup.status, dup.body.error]).toEqual([409, 'network "dup" already exists'])
  })

  it('changes a network: words, separator, token rotation', async () => {
    const created = await call('POST', '/networks', { slug: 'chg', name: 'Chg', postbackToken: 'initial-token-0123456789' })
    const patched = await call('PATCH', '/networks/chg', { subidSeparator: '-', statusWords: { Sale: 'confirmed' } })
    expect(patched.body).toMatchObject({ subidSeparator: '-', statusWords: { sale: 'confirmed' } })
    expect(patched.body.postbackToken).toBeUndefined()
    const rotated = await call('PATCH', '/networks/chg', { rotateToken: true })
    expect(rotated.body.postbackToken).toMatch(/^[A-Za-z0-9_-]{32}$/)
    expect(rotated.body.postbackToken).not.toBe(created.body.postbackToken)
    expect((await call('PATCH', '/networks/chg', {})).status).toBe(400)
    expect((await call('PATCH', '/networks/nope', { name: 'x' })).status).toBe(404)
  })

  it('gives each preset its own postback URL with our host and the token', async () => {
    const expected: Record<string, string> = {
      generic: 'subid={subid}&amount={payout}&currency={currency}&status={status}&txn_id={transaction_id}',
      keitaro: 'subid={external_id}&amount={revenue}&status={status}&txn_id={tid}',
      everflow: 'subid={sub1}&amount={payout_amount}&status=approved&txn_id={transaction_id}',
      tune: 'subid={aff_sub}&amount={payout}&status=approved&txn_id={transaction_id}',
      cake: 'subid=#s2#&amount=#price#&status=approved&txn_id=#leadid#',
      impact: 'subid={SubId1}&amount={Payout}&currency={Currency}&status={Status}&txn_id={ActionId}',
    }
    for (const [preset, macros] of Object.entries(expected)) {
      const created = await call('POST', '/networks', {
        slug: `url-${preset}`,
        name: preset,
        preset,
        postbackToken: `token-for-${preset}-0123456789`,
      })
      const setup = await call('GET', `/networks/url-${preset}/postback-url`)
      expect(setup.status).toBe(200)
      expect(setup.body.url).toBe(`http://127.0.0.1:4321/aff/postback?${macros}&network=url-${preset}&token=token-for-${preset}-0123456789`)
      expect(setup.body.tracking).toBe(`${created.body.subidParam}=<partner id>:<assignment id>:<click id>`)
    }
    expect((await call('GET', '/networks/none/postback-url')).status).toBe(404)
  })

  it('offers: checked URLs, pause and resume', async () => {
    await call('POST', '/networks', { slug: 'off', name: 'Off' })
    for (const url of ['javascript:alert(1)', '/relative', 'ftp://x.example/', 'https://u:p@x.example/', 'x'.repeat(3000)]) {
      const res = await call('POST', '/offers', { network: 'off', name: 'O', url })
      expect(res.status, url.slice(0, 30)).toBe(400)
    }
    expect((await call('POST', '/offers', { network: 'ghost', name: 'O', url: 'https://a.example/' })).body.error).toBe(
      'network: no network "ghost"',
    )
    const offer = await call('POST', '/offers', { network: 'off', name: 'O', url: 'https://a.example/?affid=1' })
    expect(offer.status).toBe(201)
    expect(offer.body).toMatchObject({ network: 'off', active: true })
    expect((await call('PATCH', `/offers/${offer.body.id}`, { active: false })).body.active).toBe(false)
    expect((await call('PATCH', `/offers/${offer.body.id}`, { active: true })).body.active).toBe(true)
    expect((await call('PATCH', '/offers/999999', { active: false })).status).toBe(404)
    expect((await call('PATCH', '/offers/abc', { active: false })).status).toBe(400)
  })

  it('partners and assignments: ids, codes, full links, the status pipeline', async () => {
    await call('POST', '/networks', { slug: 'asg', name: 'Asg' })
    const offer = await call('POST', '/offers', { network: 'asg', name: 'O', url: 'https://a.example/' })
    expect((await call('POST', '/partners', { name: 'P', email: 'not-an-email' })).status).toBe(400)
    const partner = await call('POST', '/partners', { name: 'Paul', email: 'paul@example.fr' })
    expect(partner.status).toBe(201)
    expect((await call('POST', '/assignments', { partnerId: 999999, offerId: offer.body.id })).body.error).toBe(
      'partnerId: no partner 999999',
    )
    expect((await call('POST', '/assignments', { partnerId: partner.body.id, offerId: offer.body.id, status: 'done' })).status).toBe(400)
    const a = await call('POST', '/assignments', { partnerId: partner.body.id, offerId: offer.body.id })
    expect(a.status).toBe(201)
    expect(a.body).toMatchObject({ status: 'pending', link: `http://127.0.0.1:4321/r/${a.body.code}` })
    expect(a.body.code).toMatch(/^[A-Za-z0-9]{8}$/)
    const move = (status: string) => call('PATCH', `/assignments/${a.body.id}`, { status })
    expect((await move('posted')).status).toBe(409)
    expect((await move('approved')).body.status).toBe('approved')
    expect((await move('posted')).body.status).toBe('posted')
    expect((await move('posted')).status).toBe(200)
    expect((await move('failed')).body.status).toBe('failed')
    expect((await move('pending')).body.status).toBe('pending')
    expect((await call('PATCH', '/assignments/999999', { status: 'approved' })).status).toBe(404)
    const listed = await call('GET', `/assignments?partnerId=${partner.body.id}`)
    expect(listed.body.assignments).toHaveLength(1)
  })
})
