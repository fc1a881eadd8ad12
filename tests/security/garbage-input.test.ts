// Garbage at /aff/postback and /r/:code over HTTP, on both databases: never a
// 5xx, never a wrong write (tests/helpers/garbage-suite.ts). A larger run of the
// same properties is in tests/reliability/garbage-input.test.ts. Below them, the
// inputs the properties found, kept as plain examples.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { garbageSuite } from '../helpers/garbage-suite.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'

garbageSuite({ postbackRuns: 300, redirectRuns: 150 })

describeEachDatabase('inputs the garbage properties found', (t) => {
  let app: FastifyInstance
  let link: BenchLink
  let path: string
  let params: Record<string, string>

  beforeAll(async () => {
    app = await buildTestApp(t())
    await app.listen({ port: 0, host: '127.0.0.1' })
    const { port } = app.server.address() as { port: number }
    link = await onboardBenchLink(`http://127.0.0.1:${port}`, TEST_ADMIN_SECRET, 'found')
    const url = new URL(link.postbackUrl)
    path = url.pathname
    params = Object.fromEntries(url.searchParams)
  })
  afterAll(async () => app.close())

  /** Sends one postback; gives its answer, whether its log line was written, and how many entries it made. */
  async function send(request: { query?: Record<string, string>; body?: string; type?: string }) {
    const db = t().db
    const [entries, logs] = await Promise.all([db.walletEntry.count(), db.postbackLog.count()])
    const qs = request.query ? `?${new URLSearchParams(request.query)}` : ''
    const res = await app.inject({
      method: request.body === undefined ? 'GET' : 'POST',
      url: `${path}${qs}`,
      payload: request.body,
      headers: request.type ? { 'content-type': request.type } : {},
    })
    const line = await db.postbackLog.findFirst({ orderBy: { id: 'desc' } })
    return {
      status: res.statusCode,
      body: res.body,
      logged: (await db.postbackLog.count()) - logs,
      newEntries: (await db.walletEntry.count()) - entries,
      line,
    }
  }

  it('a status word every JavaScript object answers to is no status (it was a 500, or an entry with status "{}")', async () => {
    for (const [i, status] of ['constructor', '__proto__', 'CONSTRUCTOR'].entries()) {
      const r = await send({ query: { ...params, status, txn_id: `proto-${i}` } })
      expect([r.status, r.body, r.logged, r.newEntries], status).toEqual([400, `ERROR unknown status "${status}"`, 1, 0])
    }
  })

  it('NUL in a value is refused and logged, not a 500/503 (PostgreSQL text cannot hold it)', async () => {
    const q = await send({ query: { ...params, txn_id: 'a\u0000b' } })
    expect([q.status, q.logged, q.newEntries]).toEqual([400, 1, 0])
    expect(q.body).toBe('ERROR parameter txn_id is not text (NUL or a lone surrogate)')
    // A literal NUL in a form body: the log keeps it as %00, which reads the same.
    const form = await send({ body: `${new URLSearchParams(params)}&txn_id=x\u0000y`, type: 'application/x-www-form-urlencoded' })
    expect([form.status, form.logged, form.newEntries]).toEqual([400, 1, 0])
    expect(form.line!.rawBody).toContain('txn_id=x%00y')
    // …even in a parameter we ignore: the postback itself is fine.
    const ignored = await send({
      body: `${new URLSearchParams({ ...params, txn_id: 'nul-elsewhere' })}&sub2=\u0000`,
      type: 'application/x-www-form-urlencoded',
    })
    expect([ignored.status, ignored.body, ignored.newEntries]).toEqual([200, 'OK', 1])
    // A JSON body that is not JSON because of a NUL: refused, its reason storable.
    const json = await send({ body: '\u0000\u0001', type: 'application/json' })
    expect([json.status, json.logged]).toEqual([400, 1])
  })

  it('a lone surrogate (only JSON carries one) is refused and logged, not a 500', async () => {
    const body = JSON.stringify({ ...params, txn_id: 'half-\ud800' })
    for (let i = 0; i < 2; i++) {
      const r = await send({ body, type: 'application/json' })
      expect([r.status, r.logged, r.newEntries]).toEqual([400, 1, 0])
    }
    // JSON.parse's message quotes half of a surrogate pair: the reason must still be storable.
    const r = await send({ body: '\u{10000}', type: 'application/json' })
    expect([r.status, r.logged]).toEqual([400, 1])
  })

  it('a JSON body whose "token" key is escaped still has its token masked in the log', async () => {
    const body = JSON.stringify({ ...params, txn_id: 'escaped-key' }).replace('"token"', '"tok\\u0065n"')
    const r = await send({ body, type: 'application/json' })
    expect([r.status, r.body, r.newEntries]).toEqual([200, 'OK', 1])
    expect(r.line!.rawBody).not.toContain(link.token)
  })
})
