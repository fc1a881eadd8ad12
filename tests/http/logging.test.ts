import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { Writable } from 'node:stream'
import Fastify from 'fastify'
import { afterAll, describe, expect, it } from 'vitest'
import { installedPrettyPrinter, loggerOptions, maskUrl } from '../../src/http/logging.ts'
import { loadConfig } from '../../src/config.ts'
import { startServer } from '../helpers/server-process.ts'

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
    const app = Fastify({ logger: loggerOptions(config, { stream }) })
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

describe('log format', () => {
  const pretty = () => '/somewhere/pino-pretty/index.js'
  const config = (NODE_ENV: string) => loadConfig({ NODE_ENV, ADMIN_SECRET: 'a-production-grade-admin-secret-0123' })

  it('pretty-prints in development only, and only when pino-pretty is installed', () => {
    expect(loggerOptions(config('development'), { findPretty: pretty }).transport).toMatchObject({ target: pretty() })
    expect(loggerOptions(config('production'), { findPretty: pretty }).transport).toBeUndefined()
    expect(loggerOptions(config('test'), { findPretty: pretty }).transport).toBeUndefined()
    // npm ci --omit=dev: no pino-pretty, JSON in development too.
    expect(loggerOptions(config('development'), { findPretty: () => null }).transport).toBeUndefined()
    // A stream given (tests reading lines): JSON, since pino takes a stream or a transport.
    const stream = new Writable({ write: (_c, _e, cb) => cb() })
    expect(loggerOptions(config('development'), { findPretty: pretty, stream }).transport).toBeUndefined()
    expect(installedPrettyPrinter()).toMatch(/pino-pretty/)
  })

  describe('the server process', () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-logs-'))
    // Stands for an install without devDependencies: resolving pino-pretty fails, and says it was tried.
    writeFileSync(
      path.join(dir, 'hooks.mjs'),
      `export async function resolve(specifier, context, next) {
        if (specifier === 'pino-pretty' || specifier.includes('/pino-pretty/')) {
          process.stderr.write('PINO-PRETTY WANTED\\n')
          throw Object.assign(new Error('Cannot find package pino-pretty'), { code: 'ERR_MODULE_NOT_FOUND' })
        }
        return next(specifier, context)
      }\n`,
    )
    writeFileSync(path.join(dir, 'no-dev-deps.mjs'), `import { register } from 'node:module'\nregister('./hooks.mjs', import.meta.url)\n`)
    const withoutDevDeps = { nodeArgs: ['--import', path.join(dir, 'no-dev-deps.mjs')] }
    afterAll(() => rmSync(dir, { recursive: true, force: true }))

    const run = async (env: Record<string, string>, options = {}) => {
      const server = await startServer(
        { DATABASE_URL: `file:${path.join(dir, `${env.NODE_ENV}-${Math.random()}.db`)}`, LOG_LEVEL: 'info', ...env },
        options,
      )
      await fetch(`${server.baseUrl}/healthz`)
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      return server.output()
    }
    const jsonLines = (out: string) => out.split('\n').filter((l) => l.startsWith('{"level":'))

    it('writes readable lines in development', async () => {
      const out = await run({ NODE_ENV: 'development' })
      expect(out).toMatch(/^\[\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}\] INFO.*Server listening/m)
      expect(jsonLines(out)).toEqual([])
    }, 60_000)

    it('writes JSON in production, without ever looking for pino-pretty', async () => {
      const out = await run({ NODE_ENV: 'production', ADMIN_SECRET: 'a-production-grade-admin-secret-0123' }, withoutDevDeps)
      expect(out).not.toContain('PINO-PRETTY WANTED')
      expect(jsonLines(out).map((l) => (JSON.parse(l) as { msg: string }).msg)).toContain('stopping: finishing in-flight requests')
    }, 60_000)

    it('writes JSON in development when devDependencies were left out', async () => {
      const out = await run({ NODE_ENV: 'development' }, withoutDevDeps)
      expect(out).toContain('PINO-PRETTY WANTED')
      expect(jsonLines(out).length).toBeGreaterThan(0)
    }, 60_000)
  })
})
