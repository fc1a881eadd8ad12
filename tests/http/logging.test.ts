import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { describe, expect, it } from 'vitest'
import { loggerOptions, maskUrl } from '../../src/http/logging.ts'
import { loadConfig } from '../../src/config.ts'

describe('logging', () => {
  it('masks tokens and secrets in URLs', () => {
    expect(maskUrl('/aff/postback?subid=1:2:x&token=s3cr3t&amount=1')).toBe('/aff/postback?subid=1:2:x&token=***&amount=1')
    expect(maskUrl('/x?a=1&SECRET=abc#f')).toBe('/x?a=1&SECRET=***#f')
    // …also inside a URL carried, encoded once, by another (the login page's ?next=).
    expect(maskUrl('/login?next=%2Fadmin%2Fx%3Ftoken%3Dabc%26secret%3Ddef%26a%3D1')).toBe(
      '/login?next=%2Fadmin%2Fx%3Ftoken%3D***%26secret%3D***%26a%3D1',
    )
    expect(maskUrl('/x?monkey=1&keyring=2')).toBe('/x?monkey=1&keyring=2')
  })

  it('never writes the admin secret, cookies or a postback token to the log', async () => {
    const lines: string[] = []
    const stream = new Writable({ write: (chunk, _e, cb) => (lines.push(String(chunk)), cb()) })
    const config = loadConfig({ LOG_LEVEL: 'info', ADMIN_SECRET: 'super-secret-admin-value-123' })
    const options = loggerOptions(config) as object
    const app = Fastify({ logger: { ...options, stream } })
    app.get('/probe', async (request) => {
      request.log.info({ token: 'tok-in-object', headers: request.headers }, 'probe')
      return 'ok'
    })
    await app.inject({
      url: '/probe?token=tok-in-url',
      headers: { 'x-admin-secret': 'super-secret-admin-value-123', cookie: 'cf_session=abc' },
    })
    await app.close()
    const log = lines.join('')
    expect(log).toContain('/probe?token=***')
    for (const secret of ['super-secret-admin-value-123', 'tok-in-url', 'tok-in-object', 'cf_session=abc'])
      expect(log).not.toContain(secret)
  })
})
