// x-request-id: honoured when short and plain (at most 64 of [A-Za-z0-9._-]),
// so a proxy's id links our log lines to its own; anything else gets a fresh id.
// Written as the attack: a 30,000-character header used to be copied into every
// log line of its request.
import { Writable } from 'node:stream'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig } from '../../src/config.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { TEST_ADMIN_SECRET } from '../helpers/app.ts'

describeEachDatabase('request ids in the log', (t) => {
  let app: FastifyInstance
  const lines: string[] = []

  beforeAll(async () => {
    const config = loadConfig({ NODE_ENV: 'test', ADMIN_SECRET: TEST_ADMIN_SECRET, DATABASE_URL: t().url, LOG_LEVEL: 'info' })
    const stream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) })
    app = await buildApp(config, { database: t().database, logStream: stream })
    await app.ready()
  })
  afterAll(async () => app.close())

  /** The reqId of every log line of one request (found by its unique URL). */
  async function idsLogged(requestIdHeader: string | undefined): Promise<{ ids: string[]; text: string }> {
    const marker = `/no-such-page-${Math.random().toString(36).slice(2, 10)}`
    const from = lines.length
    const res = await app.inject({ url: marker, headers: requestIdHeader === undefined ? {} : { 'x-request-id': requestIdHeader } })
    expect(res.statusCode).toBe(404)
    const mine = lines.slice(from).map((l) => JSON.parse(l) as { reqId?: string; req?: { url?: string } })
    const ids = [...new Set(mine.map((l) => l.reqId).filter((id): id is string => typeof id === 'string'))]
    expect(ids.length).toBe(1)
    return { ids, text: lines.slice(from).join('') }
  }

  it('a 30,000-character x-request-id never reaches the log: a fresh, short id instead', async () => {
    const huge = 'A'.repeat(30_000)
    const { ids, text } = await idsLogged(huge)
    expect(ids[0]!.length).toBeLessThanOrEqual(64)
    expect(text).not.toContain('A'.repeat(100))
    expect(text.length).toBeLessThan(4_000)
  })

  it('a short, plain id from a proxy is kept', async () => {
    for (const id of ['abc', 'req-7f3a.b_C9', '0'.repeat(64), '5f0c2d9e-8b1a-4c3e-9d2f-1a2b3c4d5e6f']) {
      expect((await idsLogged(id)).ids).toEqual([id])
    }
  })

  it('an id that is too long or not plain is replaced', async () => {
    const fresh = new Set<string>()
    for (const id of ['0'.repeat(65), 'a b', 'a"b', 'a\\nb', '{"level":60}', 'é', '../../etc', 'a,b', '']) {
      const [got] = (await idsLogged(id)).ids
      expect(got, id).not.toBe(id)
      expect(got).toMatch(/^[A-Za-z0-9._-]{1,64}$/)
      fresh.add(got!)
    }
    // Fresh ids are distinct, and without the header too.
    const [a] = (await idsLogged(undefined)).ids
    const [b] = (await idsLogged(undefined)).ids
    expect(new Set([...fresh, a, b]).size).toBe(fresh.size + 2)
  })
})
