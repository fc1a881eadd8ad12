// GET|POST /aff/postback on real databases: each preset network's real postback
// format end to end, GET and POST alike, authentication (token, IP allow-list,
// proxies), races, the log, and safe retries after our own faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { receivePostback as receiveOutcome, type PostbackContext } from '../../src/postbacks/receive-postback.ts'
import { postbackAnswer } from '../../src/http/postback-answer.ts'
import { loadPostbackNetwork } from '../../src/postbacks/network-cache.ts'
import { replayPostbacks } from '../../src/postbacks/replay.ts'

/** The outcome with the HTTP answer the route gives it (status, body), as the assertions read it. */
async function receivePostback(...args: Parameters<typeof receiveOutcome>) {
  const outcome = await receiveOutcome(...args)
  return { ...outcome, ...postbackAnswer(outcome) }
}

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

describeEachDatabase('postback endpoint', (t) => {
  let app: FastifyInstance
  let partnerId = 0

  const api = async (method: 'POST' | 'PATCH' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }

  /** A network with one live link, and the sub-id of one real click on it. */
  async function networkWithClick(body: Record<string, unknown> & { slug: string }) {
    const network = await api('POST', '/networks', body)
    const offer = await api('POST', '/offers', { network: body.slug, name: `Offer ${body.slug}`, url: 'https://adv.example/o?affid=CF' })
    const assignment = await api('POST', '/assignments', { partnerId, offerId: offer.id, status: 'posted' })
    const click = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
    expect(click.statusCode).toBe(302)
    const subid = new URL(String(click.headers.location)).searchParams.get(network.subidParam as string)!
    return { token: network.postbackToken as string, subid, assignmentId: assignment.id as number, networkId: network.id as number }
  }

  /** What the network's server does: replace each of its macros in the URL we gave it. */
  const fire = (template: string, values: Record<string, string>, method: 'GET' | 'POST' = 'GET') => {
    let url = template
    for (const [macro, value] of Object.entries(values)) url = url.split(macro).join(encodeURIComponent(value))
    expect(url).not.toMatch(/\{[A-Za-z_]+\}|#[a-z0-9]+#/)
    const path = url.replace(/^https?:\/\/[^/]+/, '')
    if (method === 'GET') return app.inject({ url: path, remoteAddress: '203.0.113.10' })
    const [p, query] = path.split('?')
    return app.inject({
      method: 'POST',
      url: p!,
      payload: query,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      remoteAddress: '203.0.113.10',
    })
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { PUBLIC_BASE_URL: 'https://track.example.com', FX_RATES: 'USD=0.92,GBP=1.17' })
    partnerId = (await api('POST', '/partners', { name: 'Inès' })).id as number
  })
  afterAll(async () => app.close())

  describe('each preset network, in its own postback format', () => {
    const presets: {
      preset: string
      param: string
      currency?: string
      macros: (subid: string) => Record<string, string>
      expectCents: number
      then?: (subid: string) => Record<string, string>
    }[] = [
      {
        preset: 'generic',
        param: 'subid',
        macros: (s) => ({ '{subid}': s, '{payout}': '12.50', '{currency}': 'USD', '{status}': 'approved', '{transaction_id}': 'GEN-1001' }),
        expectCents: 1150,
      },
      {
        preset: 'keitaro',
        param: 'external_id',
        macros: (s) => ({ '{external_id}': s, '{revenue}': '7,5', '{status}': 'sale', '{tid}': 'kt-77' }),
        expectCents: 750,
      },
      {
        preset: 'everflow',
        param: 'sub1',
        currency: 'USD',
        macros: (s) => ({ '{sub1}': s, '{payout_amount}': '3.2', '{transaction_id}': '8d2c4f0e1a7b4e4f9c2d' }),
        expectCents: 294,
      },
      {
        preset: 'tune',
        param: 'aff_sub',
        macros: (s) => ({ '{aff_sub}': s, '{payout}': '4,75', '{transaction_id}': '102f4a1c6e0d9b2a' }),
        expectCents: 475,
      },
      { preset: 'cake', param: 's2', macros: (s) => ({ '#s2#': s, '#price#': '9.99', '#leadid#': '5F3A2B1C-0D9E' }), expectCents: 999 },
      {
        preset: 'impact',
        param: 'subId1',
        macros: (s) => ({
          '{SubId1}': s,
          '{Payout}': '15.00',
          '{Currency}': 'GBP',
          '{Status}': 'PENDING',
          '{ActionId}': '1234.5678.901234',
        }),
        expectCents: 1755,
        then: (s) => ({
          '{SubId1}': s,
          '{Payout}': '15.00',
          '{Currency}': 'GBP',
          '{Status}': 'APPROVED',
          '{ActionId}': '1234.5678.901234',
        }),
      },
    ]
    for (const p of presets) {
      it(`${p.preset}: the URL we give is the one the network fires`, async () => {
        const slug = `pre-${p.preset}`
        const { subid, networkId } = await networkWithClick({
          slug,
          name: p.preset,
          preset: p.preset,
          ...(p.currency ? { defaultCurrency: p.currency } : {}),
        })
        expect(subid).toMatch(/^\d+:\d+:[A-Za-z0-9]{22}$/)
        const setup = await api('GET', `/networks/${slug}/postback-url`)
        const template = setup.url as string
        expect(template.startsWith('https://track.example.com/aff/postback?')).toBe(true)
        expect(setup.tracking).toBe(`${p.param}=<partner id>:<assignment id>:<click id>`)
        const res = await fire(template, p.macros(subid))
        expect([res.statusCode, res.body]).toEqual([200, 'OK'])
        expect(await fire(template, p.macros(subid), 'POST').then((r) => r.body)).toBe('DUPLICATE')
        if (p.then) expect(await fire(template, p.then(subid)).then((r) => r.body)).toBe('OK')
        const entries = await t().db.walletEntry.findMany({ where: { networkId } })
        expect(entries).toHaveLength(1)
        expect(entries[0]).toMatchObject({ partnerId, status: 'confirmed', amountCents: p.expectCents, flag: null })
      })
    }
  })

  it('POST form bodies and JSON bodies work like GET', async () => {
    const { token, subid } = await networkWithClick({ slug: 'bodies', name: 'Bodies' })
    const form = await app.inject({
      method: 'POST',
      url: '/aff/postback',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ network: 'bodies', token, subid, txn_id: 'F1', amount: '10,00', status: 'pending' }).toString(),
    })
    expect([form.statusCode, form.body]).toEqual([200, 'OK'])
    const json = await app.inject({
      method: 'POST',
      url: '/aff/postback?network=bodies',
      payload: { token, subid, txn_id: 'F2', amount: 10.5, status: 'approved' },
    })
    expect([json.statusCode, json.body]).toEqual([200, 'OK'])
    const mixed = await app.inject({
      method: 'POST',
      url: `/aff/postback?network=bodies&token=${token}&txn_id=F2`,
      payload: `subid=${encodeURIComponent(subid)}&status=approved`,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    })
    expect(mixed.body).toBe('DUPLICATE')
    const logs = await t().db.postbackLog.findMany({ where: { networkSlug: 'bodies' }, orderBy: { id: 'asc' } })
    expect(logs.map((l) => l.method)).toEqual(['POST', 'POST', 'POST'])
    for (const l of logs) expect(`${l.rawQuery} ${l.rawBody}`).not.toContain(token)
    expect(logs[0]!.rawBody).toMatch(/token=\*\*\*[0-9a-f]{12}&/)
    expect(logs[1]!.rawBody).toMatch(/"token":"\*\*\*[0-9a-f]{12}"/)
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'F2' } })).amountCents).toBe(1050)
  })

  it('HEAD books nothing: it only asks for headers', async () => {
    const { token, subid } = await networkWithClick({ slug: 'heads', name: 'Heads' })
    const q = new URLSearchParams({ network: 'heads', token, subid, txn_id: 'H1', amount: '10,00', status: 'approved' })
    const head = await app.inject({ method: 'HEAD', url: `/aff/postback?${q}` })
    expect(head.statusCode).toBe(404)
    expect(await t().db.walletEntry.count({ where: { txnId: 'H1' } })).toBe(0)
    const get = await app.inject({ url: `/aff/postback?${q}` })
    expect([get.statusCode, get.body]).toEqual([200, 'OK'])
  })

  it('50 concurrent identical postbacks over HTTP: one entry, one OK, 49 DUPLICATE', async () => {
    const { token, subid, networkId } = await networkWithClick({ slug: 'race', name: 'Race' })
    const url = `/aff/postback?${new URLSearchParams({ network: 'race', token, subid, txn_id: 'R1', amount: '5', status: 'approved' })}`
    const answers = await Promise.all(Array.from({ length: 50 }, () => app.inject({ url })))
    expect(answers.every((a) => a.statusCode === 200)).toBe(true)
    expect(answers.filter((a) => a.body === 'OK')).toHaveLength(1)
    expect(answers.filter((a) => a.body === 'DUPLICATE')).toHaveLength(49)
    expect(await t().db.walletEntry.count({ where: { networkId } })).toBe(1)
    expect(await t().db.postbackLog.count({ where: { networkSlug: 'race' } })).toBe(50)
  })

  it('a bad or missing token is 403 and logged; the token never reaches the log', async () => {
    const { token, subid } = await networkWithClick({ slug: 'auth', name: 'Auth' })
    const q = { network: 'auth', subid, txn_id: 'A1', amount: '5', status: 'approved' }
    const attempts: Record<string, string>[] = [
      {},
      { token: '' },
      { token: 'x' },
      { token: `${token}x` },
      { token: token.toUpperCase() === token ? token.toLowerCase() : token.toUpperCase() },
    ]
    for (const bad of attempts) {
      const res = await app.inject({ url: `/aff/postback?${new URLSearchParams({ ...q, ...bad })}` })
      expect(res.statusCode, JSON.stringify(bad)).toBe(403)
      expect(res.body).toMatch(/^ERROR (missing|bad) token$/)
    }
    const logs = await t().db.postbackLog.findMany({ where: { networkSlug: 'auth' } })
    expect(logs).toHaveLength(5)
    expect(logs.every((l) => l.outcome === 'forbidden')).toBe(true)
    expect(await t().db.walletEntry.count({ where: { txnId: 'A1' } })).toBe(0)
  })

  it('an IP allow-list (IPs and CIDRs) refuses other sources; X-Forwarded-For counts only behind a trusted proxy', async () => {
    const { token, subid } = await networkWithClick({ slug: 'ipnet', name: 'IP', allowedIps: '203.0.113.0/24, 2001:db8::1' })
    const url = (txn: string) =>
      `/aff/postback?${new URLSearchParams({ network: 'ipnet', token, subid, txn_id: txn, amount: '1', status: 'pending' })}`
    expect((await app.inject({ url: url('I1'), remoteAddress: '203.0.113.200' })).statusCode).toBe(200)
    expect((await app.inject({ url: url('I2'), remoteAddress: '2001:db8::1' })).statusCode).toBe(200)
    const outside = await app.inject({ url: url('I3'), remoteAddress: '198.51.100.7' })
    expect([outside.statusCode, outside.body]).toEqual([403, 'ERROR source IP 198.51.100.7 not allowed'])
    // Without TRUST_PROXY, a forged X-Forwarded-For changes nothing.
    expect(
      (await app.inject({ url: url('I4'), remoteAddress: '198.51.100.7', headers: { 'x-forwarded-for': '203.0.113.5' } })).statusCode,
    ).toBe(403)
    const proxied = await buildTestApp(t(), { TRUST_PROXY: '1' })
    try {
      expect(
        (await proxied.inject({ url: url('I5'), remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '203.0.113.5' } })).statusCode,
      ).toBe(200)
      expect(
        (await proxied.inject({ url: url('I6'), remoteAddress: '10.0.0.2', headers: { 'x-forwarded-for': '198.51.100.7' } })).statusCode,
      ).toBe(403)
    } finally {
      await proxied.close()
    }
    const log = await t().db.postbackLog.findFirstOrThrow({ where: { networkSlug: 'ipnet', outcome: 'forbidden' } })
    expect(log.sourceIp).toBe('198.51.100.7')
  })

  it('a network without a token authenticates by its allow-list alone, never by nothing', async () => {
    const { subid } = await networkWithClick({ slug: 'notoken', name: 'No token', allowedIps: '203.0.113.0/24' })
    await api('PATCH', '/networks/notoken', { postbackToken: null })
    const url = `/aff/postback?${new URLSearchParams({ network: 'notoken', subid, txn_id: 'NT1', amount: '1', status: 'pending' })}`
    expect((await app.inject({ url, remoteAddress: '203.0.113.9' })).statusCode).toBe(200)
    expect((await app.inject({ url, remoteAddress: '198.51.100.9' })).statusCode).toBe(403)
    const refused = await app.inject({
      method: 'PATCH',
      url: '/admin/api/networks/notoken',
      headers: adminHeaders,
      payload: { allowedIps: '' },
    })
    expect(refused.statusCode).toBe(400)
  })

  it("a network's own status words and default currency apply", async () => {
    const { token, subid } = await networkWithClick({
      slug: 'words',
      name: 'Words',
      defaultCurrency: 'USD',
      statusWords: { Sale: 'confirmed', lead: 'pending' },
    })
    const fireWord = (txn: string, status: string) =>
      app.inject({ url: `/aff/postback?${new URLSearchParams({ network: 'words', token, subid, txn_id: txn, amount: '10', status })}` })
    expect((await fireWord('W1', 'lead')).body).toBe('OK')
    expect((await fireWord('W1', 'SALE')).body).toBe('OK')
    const e = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'W1' }, include: { history: { orderBy: { id: 'asc' } } } })
    expect([e.status, e.amountCents, e.originalCurrency]).toEqual(['confirmed', 920, 'USD'])
    expect(e.history.map((h) => h.networkWord)).toEqual(['lead', 'SALE'])
  })

  it('unknown partner or unknown click: kept and flagged, never dropped', async () => {
    const { token, subid, assignmentId } = await networkWithClick({ slug: 'flags', name: 'Flags' })
    const fireSub = (txn: string, s: string) =>
      app.inject({
        url: `/aff/postback?${new URLSearchParams({ network: 'flags', token, subid: s, txn_id: txn, amount: '2', status: 'approved' })}`,
      })
    expect((await fireSub('FL1', `999999:${assignmentId}:abcdefabcdefabcdefabcd`)).body).toBe('OK')
    expect((await fireSub('FL2', `${partnerId}:${assignmentId}:neverclickedaaaaaaaaaa`)).body).toBe('OK')
    expect((await fireSub('FL3', subid)).body).toBe('OK')
    const flags = await t().db.walletEntry.findMany({
      where: { txnId: { in: ['FL1', 'FL2', 'FL3'] } },
      orderBy: { txnId: 'asc' },
      select: { txnId: true, flag: true, partnerId: true },
    })
    expect(flags).toEqual([
      { txnId: 'FL1', flag: 'unknown_partner', partnerId: null },
      { txnId: 'FL2', flag: 'unknown_click', partnerId },
      { txnId: 'FL3', flag: null, partnerId },
    ])
  })

  it('a JSON txn_id past 2^53 is refused, never rounded into another conversion', async () => {
    const { token, subid, networkId } = await networkWithClick({ slug: 'bigtxn', name: 'Big txn' })
    // Two distinct conversions whose ids JSON.parse reads as the same double.
    const send = (txnId: string) =>
      app.inject({
        method: 'POST',
        url: '/aff/postback',
        headers: { 'content-type': 'application/json' },
        payload: `{"network":"bigtxn","token":"${token}","subid":"${subid}","amount":"5","status":"approved","txn_id":${txnId}}`,
      })
    for (const txnId of ['9007199254740993', '9007199254740992', '12345678901234567890', '42.5', '1e300']) {
      const res = await send(txnId)
      expect([res.statusCode, res.body], txnId).toEqual([
        400,
        'ERROR parameter txn_id is a JSON number that is not an exact integer (beyond 2^53 or a fraction): send it as a JSON string',
      ])
    }
    expect(await t().db.walletEntry.count({ where: { networkId } })).toBe(0)
    // A safe integer is fine, and the same ids as strings are two conversions.
    expect((await send('9007199254740991')).body).toBe('OK')
    expect((await send('"9007199254740993"')).body).toBe('OK')
    expect((await send('"9007199254740992"')).body).toBe('OK')
    const ids = (await t().db.walletEntry.findMany({ where: { networkId }, orderBy: { txnId: 'asc' } })).map((e) => e.txnId)
    expect(ids).toEqual(['9007199254740991', '9007199254740992', '9007199254740993'])
    // The refused requests are the network's own: logged in full, and rejected (a replay reads the same and refuses again).
    const refused = await t().db.postbackLog.findMany({ where: { networkSlug: 'bigtxn', outcome: 'rejected' } })
    expect(refused).toHaveLength(5)
    expect(refused.some((l) => l.rawBody?.includes('"txn_id":9007199254740993'))).toBe(true)
  })

  it("a conversion of network B citing a click on network A's offer is kept and flagged click_mismatch", async () => {
    const a = await networkWithClick({ slug: 'net-a', name: 'Network A' })
    const b = await networkWithClick({ slug: 'net-b', name: 'Network B' })
    const fireOn = (slug: string, token: string, txn: string, s: string) =>
      app.inject({
        url: `/aff/postback?${new URLSearchParams({ network: slug, token, subid: s, txn_id: txn, amount: '20', status: 'approved' })}`,
      })
    expect((await fireOn('net-b', b.token, 'XN-1', a.subid)).body).toBe('OK')
    expect((await fireOn('net-a', a.token, 'XN-2', a.subid)).body).toBe('OK')
    const entries = await t().db.walletEntry.findMany({
      where: { txnId: { in: ['XN-1', 'XN-2'] } },
      orderBy: { txnId: 'asc' },
      select: { txnId: true, networkId: true, flag: true },
    })
    expect(entries).toEqual([
      { txnId: 'XN-1', networkId: b.networkId, flag: 'click_mismatch' },
      { txnId: 'XN-2', networkId: a.networkId, flag: null },
    ])
    const line = await t().db.postbackLog.findFirstOrThrow({ where: { networkSlug: 'net-b', rawQuery: { contains: 'XN-1' } } })
    expect([line.outcome, line.reason]).toEqual(['accepted', 'click_mismatch'])
  })

  it('refuses malformed input with a one-line reason, writes nothing but the log', async () => {
    const { token, subid } = await networkWithClick({ slug: 'bad', name: 'Bad' })
    const cases: [Record<string, string>, RegExp][] = [
      [{ subid: '', amount: '1', status: 'approved', txn_id: 'B1' }, /missing subid/],
      [{ subid: '12:ab', amount: '1', status: 'approved', txn_id: 'B2' }, /malformed subid/],
      [{ subid, amount: '1', status: 'approved', txn_id: '' }, /missing txn_id/],
      [{ subid, amount: '1', status: '', txn_id: 'B3' }, /missing status/],
      [{ subid, amount: 'NaN', status: 'approved', txn_id: 'B4' }, /not a number/],
      [{ subid, amount: '99999999', status: 'approved', txn_id: 'B5' }, /absurd/],
      [{ subid, amount: '1', currency: 'XYZ', status: 'approved', txn_id: 'B6' }, /unknown currency XYZ/],
      [{ subid, amount: '', status: 'approved', txn_id: 'B7' }, /amount is required/],
    ]
    for (const [q, reason] of cases) {
      const res = await app.inject({ url: `/aff/postback?${new URLSearchParams({ network: 'bad', token, ...q })}` })
      expect(res.statusCode, JSON.stringify(q)).toBe(400)
      expect(res.body).toMatch(reason)
      expect(res.body.split('\n')).toHaveLength(1)
    }
    const twice = await app.inject({ url: `/aff/postback?network=bad&token=${token}&txn_id=B8&txn_id=B9` })
    expect(twice.body).toBe('ERROR parameter txn_id given twice with different values')
    expect(await t().db.walletEntry.count({ where: { txnId: { startsWith: 'B' } } })).toBe(0)
    const logs = await t().db.postbackLog.findMany({ where: { networkSlug: 'bad' } })
    expect(logs).toHaveLength(cases.length + 1)
    expect(logs.every((l) => l.outcome === 'rejected' && l.reason)).toBe(true)
  })

  it('a re-approval after a rejection is applied (never a 409: the network would retry forever)', async () => {
    const { token, subid } = await networkWithClick({ slug: 'trans', name: 'Trans' })
    const fireStatus = (status: string) =>
      app.inject({ url: `/aff/postback?${new URLSearchParams({ network: 'trans', token, subid, txn_id: 'TR1', amount: '3', status })}` })
    expect((await fireStatus('declined')).body).toBe('OK')
    const res = await fireStatus('approved')
    expect([res.statusCode, res.body]).toEqual([200, 'OK'])
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'TR1' } })).status).toBe('confirmed')
  })

  it('our own fault answers 5xx, keeps the request in the log, and the retry is safe', async () => {
    const { token, subid } = await networkWithClick({ slug: 'fault', name: 'Fault' })
    const base: PostbackContext = {
      database: t().database,
      fxRates: app.config.fxRates,
      salt: app.config.ipHashSalt,
      networks: (slug) => loadPostbackNetwork(t().db, slug),
    }
    const incoming = {
      method: 'GET',
      rawQuery: new URLSearchParams({ network: 'fault', token, subid, txn_id: 'X1', amount: '4', status: 'approved' }).toString(),
      rawBody: null,
      bodyKind: null,
      sourceIp: '203.0.113.1',
    }
    const broken = {
      ...base,
      networks: async () => {
        throw new Error('bug')
      },
    }
    const failed = await receivePostback(broken, incoming)
    expect([failed.status, failed.body]).toEqual([500, 'ERROR internal error, retry later'])
    expect(await t().db.postbackLog.findUniqueOrThrow({ where: { id: failed.logId! } })).toMatchObject({ outcome: 'error' })
    // The network retries: applied once, then duplicates.
    expect((await receivePostback(base, incoming)).body).toBe('OK')
    expect((await receivePostback(base, incoming)).body).toBe('DUPLICATE')
    expect(await t().db.walletEntry.count({ where: { txnId: 'X1' } })).toBe(1)
    // A replay of the failed line is a duplicate too.
    const [replayed] = await replayPostbacks(base, { ids: [failed.logId!] })
    expect(replayed).toMatchObject({ before: 'error', after: 'duplicate' })

    const refusing = <T extends object>(target: T) =>
      new Proxy(target, { get: () => () => Promise.reject(new Error('connect ECONNREFUSED')) })
    const noLog = await receivePostback(
      { ...base, database: { provider: t().database.provider, prisma: refusing(t().db), sql: refusing(t().database.sql) } },
      incoming,
    )
    expect([noLog.status, noLog.body]).toEqual([503, 'ERROR temporarily unavailable, retry later'])
  })

  it('group commit: concurrent postbacks share batches; identical ones in a batch still make one entry', async () => {
    const { token, subid, networkId } = await networkWithClick({ slug: 'batch', name: 'Batch' })
    const batcher = app.tracking.postbackBatches
    const batchesBefore = batcher.stats.batches
    const url = (txn: string) =>
      `/aff/postback?${new URLSearchParams({ network: 'batch', token, subid, txn_id: txn, amount: '1,10', status: 'approved' })}`
    const answers = await Promise.all([
      ...Array.from({ length: 150 }, (_, i) => app.inject({ url: url(`GC-${i}`) })),
      ...Array.from({ length: 20 }, () => app.inject({ url: url('GC-SAME') })),
      app.inject({ url: `/aff/postback?network=batch&token=${token}&subid=bad` }),
    ])
    expect(answers.slice(0, 150).every((a) => a.body === 'OK')).toBe(true)
    expect(
      answers
        .slice(150, 170)
        .map((a) => a.body)
        .sort(),
    ).toEqual(['OK', ...Array<string>(19).fill('DUPLICATE')].sort())
    expect(answers[170]!.statusCode).toBe(400)
    expect(batcher.stats.batches - batchesBefore).toBeLessThan(171)
    expect(batcher.stats.maxBatchItems).toBeGreaterThan(1)
    expect(await t().db.walletEntry.count({ where: { networkId } })).toBe(151)
    const logs = await t().db.postbackLog.groupBy({ by: ['outcome'], where: { networkSlug: 'batch' }, _count: true })
    expect(Object.fromEntries(logs.map((l) => [l.outcome, l._count]))).toEqual({ accepted: 151, duplicate: 19, rejected: 1 })
  })

  it('one report the database refuses does not fail the rest of its batch', async () => {
    const { subid, networkId } = await networkWithClick({ slug: 'poison', name: 'Poison' })
    const runtime = app.tracking
    const received = (txn: string) => ({
      method: 'GET',
      rawQuery: `txn_id=${txn}`,
      rawBody: null,
      sourceIp: '203.0.113.1',
      networkSlug: 'poison',
    })
    const report = (txn: string, network: number) => ({
      networkId: network,
      txnId: txn,
      status: 'confirmed' as const,
      networkWord: 'approved',
      money: { cents: 100, originalAmount: '1', currency: 'EUR', rate: '1' },
      subid: { partnerId, assignmentId: 1, clickId: subid.split(':')[2]! },
    })
    const [good, bad] = await Promise.all([
      runtime.postbackBatches.submit({ received: received('P-OK'), report: report('P-OK', networkId) }),
      // No such network: the foreign key refuses the insert, and with it the batch.
      runtime.postbackBatches.submit({ received: received('P-BAD'), report: report('P-BAD', 99_999_999) }),
    ])
    expect(good.result).toMatchObject({ outcome: 'accepted' })
    expect(bad.error).toBeDefined()
    expect(await t().db.walletEntry.count({ where: { txnId: 'P-OK' } })).toBe(1)
  })
})
