// The server as `npm start` runs it (compiled to dist/): embedded SQLite,
// migrations on start, health endpoints, a clean stop, and refusal to start in
// production with a weak secret.
import { mkdtempSync, rmSync, existsSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { buildServer, npmStartNodeArgs, runServerExpectingExit, startServer } from './helpers/server-process.ts'

describe('the server process', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-server-'))
  afterAll(() => rmSync(dir, { recursive: true, force: true }))
  beforeAll(() => buildServer(), 120_000)

  it('starts on a new SQLite file with no other service, migrates it, answers health checks and stops cleanly on SIGTERM', async () => {
    const dbFile = path.join(dir, 'fresh', 'contentflow.db')
    const server = await startServer(
      { DATABASE_URL: `file:${dbFile}`, LOG_LEVEL: 'info' },
      { nodeArgs: npmStartNodeArgs(), entry: 'dist/server.js' },
    )
    try {
      expect(existsSync(dbFile)).toBe(true)
      expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200)
      const ready = await fetch(`${server.baseUrl}/readyz`)
      expect(ready.status).toBe(200)
      expect(await ready.json()).toEqual({ status: 'ready', database: 'sqlite' })
      expect(server.output()).toContain('applied database migrations')
      // development without ADMIN_SECRET: one is generated and printed once
      expect(server.output().match(/generated for this run: (\S+)/)?.[1]?.length).toBeGreaterThanOrEqual(24)
    } finally {
      server.child.kill('SIGTERM')
    }
    expect(await server.exited).toBe(0)
  })

  it('refuses to start in production without a strong ADMIN_SECRET, saying why', async () => {
    const weak = await runServerExpectingExit({
      NODE_ENV: 'production',
      ADMIN_SECRET: 'changeme',
      DATABASE_URL: `file:${path.join(dir, 'p.db')}`,
    })
    expect(weak.code).toBe(1)
    expect(weak.output).toContain('ADMIN_SECRET: too weak for production')
    const missing = await runServerExpectingExit({ NODE_ENV: 'production', DATABASE_URL: `file:${path.join(dir, 'p.db')}` })
    expect(missing.code).toBe(1)
    expect(missing.output).toContain('ADMIN_SECRET: required in production')
  })

  it('names every wrong variable at start-up', async () => {
    const bad = await runServerExpectingExit({ PORT: 'eighty', DATABASE_URL: 'mysql://nope' })
    expect(bad.code).toBe(1)
    expect(bad.output).toMatch(/PORT: /)
    expect(bad.output).toMatch(/DATABASE_URL: must be file:/)
  })
})
