import { Writable } from 'node:stream'
import { request } from 'node:http'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { testConfig } from '../helpers/app.ts'

/** Raw GET so that Node's client does not refuse our oversized URL first. */
function rawGet(port: number, path: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, method: 'GET' }, (res) => {
      res.resume()
      resolve(res.statusCode!)
    })
    req.on('error', reject)
    req.end()
  })
}

describeEachDatabase('oversized requests', (t) => {
  let app: FastifyInstance
  let port: number
  const lines: string[] = []
  beforeAll(async () => {
    const logStream = new Writable({ write: (c, _e, cb) => (lines.push(String(c)), cb()) })
    app = await buildApp(testConfig(t(), { LOG_LEVEL: 'info' }), { database: t().database, logStream })
    app.post('/probe-body', async () => 'ok')
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as { port: number }).port
  })
  afterAll(async () => app.close())

  it('refuses a URL over 8 KiB with 414, and logs it', async () => {
    expect(await rawGet(port, `/healthz?pad=${'x'.repeat(9000)}`)).toBe(414)
    expect(lines.join('')).toContain('URL too long, refused')
  })

  it('refuses headers past what Node parses with 431, and logs it', async () => {
    expect(await rawGet(port, `/healthz?pad=${'x'.repeat(40_000)}`)).toBe(431)
    expect(lines.join('')).toContain('malformed request refused')
  })

  it('refuses a body over 64 KiB with 413, and logs it', async () => {
    const res = await fetch(`http://127.0.0.1:${port}/probe-body`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `a=${'x'.repeat(70_000)}`,
    })
    expect(res.status).toBe(413)
    expect(lines.join('')).toMatch(/"status":413/)
  })

  it('still answers a normal request', async () => {
    expect(await rawGet(port, '/healthz?x=1')).toBe(200)
  })
})
