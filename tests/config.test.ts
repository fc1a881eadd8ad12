import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../src/config.ts'

describe('configuration', () => {
  it('has the documented defaults', () => {
    const c = loadConfig({})
    expect(c.port).toBe(3000)
    expect(c.databaseUrl).toBe('file:./data/contentflow.db')
    expect(c.payoutReservePct).toBe(0.3)
    expect(c.payoutReleaseDays).toBe(30)
    expect(c.fxRates.EUR).toBe('1')
    expect(c.adminSecretGenerated).toBe(true)
    expect(c.adminSecret.length).toBeGreaterThanOrEqual(24)
    expect(c.postbackRateLimit).toBe(20_000)
  })

  it('reads the postback rate limit per source (0: off) and refuses nonsense', () => {
    expect(loadConfig({ POSTBACK_RATE_LIMIT: '200' }).postbackRateLimit).toBe(200)
    expect(loadConfig({ POSTBACK_RATE_LIMIT: '0' }).postbackRateLimit).toBe(0)
    for (const bad of ['-1', 'abc', '1.5']) expect(() => loadConfig({ POSTBACK_RATE_LIMIT: bad }), bad).toThrow(/POSTBACK_RATE_LIMIT/)
  })

  it('refuses to start in production without a strong ADMIN_SECRET', () => {
    expect(() => loadConfig({ NODE_ENV: 'production' })).toThrow(/ADMIN_SECRET: required in production/)
    expect(() => loadConfig({ NODE_ENV: 'production', ADMIN_SECRET: 'short' })).toThrow(/too weak/)
    expect(loadConfig({ NODE_ENV: 'production', ADMIN_SECRET: 'x'.repeat(24) }).adminSecretGenerated).toBe(false)
  })

  it('derives the session key and IP salt from the admin secret unless set', () => {
    const a = loadConfig({ ADMIN_SECRET: 'a'.repeat(30) })
    const b = loadConfig({ ADMIN_SECRET: 'b'.repeat(30) })
    expect(a.sessionSecret).not.toBe(b.sessionSecret)
    expect(a.sessionSecret).not.toContain('a'.repeat(30))
    expect(a.ipHashSalt).not.toBe(a.sessionSecret)
    expect(loadConfig({ ADMIN_SECRET: 'a'.repeat(30), SESSION_SECRET: 's'.repeat(32) }).sessionSecret).toBe('s'.repeat(32))
  })

  it('says clearly which variable is wrong, one line each', () => {
    try {
      loadConfig({ PORT: 'abc', PAYOUT_RESERVE_PCT: '2', FX_RATES: 'USD=abc', DATABASE_URL: 'mysql://x' })
      expect.unreachable()
    } catch (err) {
      expect(err).toBeInstanceOf(ConfigError)
      const problems = (err as ConfigError).problems
      expect(problems.some((p) => p.startsWith('PORT:'))).toBe(true)
      expect(problems.some((p) => p.startsWith('PAYOUT_RESERVE_PCT:'))).toBe(true)
      expect(problems.some((p) => p.startsWith('FX_RATES:') && p.includes('USD=abc'))).toBe(true)
      expect(problems.some((p) => p.startsWith('DATABASE_URL:'))).toBe(true)
    }
  })

  it('parses FX rates as exact decimal strings', () => {
    expect(loadConfig({ FX_RATES: 'usd=0.92, GBP:1.17' }).fxRates).toEqual({ EUR: '1', USD: '0.92', GBP: '1.17' })
  })

  it('reads TRUST_PROXY as false, a hop count or a list of proxies; refuses true with a reason', () => {
    for (const off of [undefined, '', 'false', 'FALSE', 'no', '0'])
      expect(loadConfig(off === undefined ? {} : { TRUST_PROXY: off }).trustProxy, String(off)).toBe(false)
    expect(loadConfig({ TRUST_PROXY: '1' }).trustProxy).toBe(1)
    expect(loadConfig({ TRUST_PROXY: '2' }).trustProxy).toBe(2)
    expect(loadConfig({ TRUST_PROXY: '10.0.0.2' }).trustProxy).toEqual(['10.0.0.2'])
    expect(loadConfig({ TRUST_PROXY: '10.0.0.2, 10.1.0.0/16,2001:db8::/32 , loopback' }).trustProxy).toEqual([
      '10.0.0.2',
      '10.1.0.0/16',
      '2001:db8::/32',
      'loopback',
    ])
    expect(loadConfig({ TRUST_PROXY: '10.0.0.2 10.0.0.3' }).trustProxy).toEqual(['10.0.0.2', '10.0.0.3'])
    for (const yes of ['true', 'TRUE', 'yes']) {
      try {
        loadConfig({ TRUST_PROXY: yes })
        expect.unreachable(yes)
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError)
        const [problem] = (err as ConfigError).problems
        expect(problem).toMatch(/^TRUST_PROXY: true would trust the left-most X-Forwarded-For entry, which the client writes/)
        expect(problem).not.toContain('\n')
      }
    }
    for (const bad of [
      '-1',
      '1.5',
      '11',
      '10.0.0.256',
      '10.0.0.0/33',
      '10.0.0.0/8/1',
      'proxy.example.com',
      '10.0.0.1,,nonsense',
      '2001:db8::/129',
    ]) {
      expect(() => loadConfig({ TRUST_PROXY: bad }), bad).toThrow(/TRUST_PROXY:/)
    }
  })

  it('bounds how long a client may take; the headers within the request', () => {
    expect(loadConfig({}).timeouts).toEqual({ requestMs: 10_000, headersMs: 5_000, keepAliveMs: 5_000, maxConnections: 0 })
    expect(
      loadConfig({ REQUEST_TIMEOUT_MS: '30000', HEADERS_TIMEOUT_MS: '20000', KEEP_ALIVE_TIMEOUT_MS: '65000', MAX_CONNECTIONS: '5000' })
        .timeouts,
    ).toEqual({
      requestMs: 30_000,
      headersMs: 20_000,
      keepAliveMs: 65_000,
      maxConnections: 5000,
    })
    for (const [key, bad] of [
      ['REQUEST_TIMEOUT_MS', '0'],
      ['REQUEST_TIMEOUT_MS', 'abc'],
      ['HEADERS_TIMEOUT_MS', '-5'],
      ['KEEP_ALIVE_TIMEOUT_MS', '1.5'],
      ['MAX_CONNECTIONS', '-1'],
    ] as const) {
      expect(() => loadConfig({ [key]: bad }), `${key}=${bad}`).toThrow(new RegExp(`${key}:`))
    }
    expect(() => loadConfig({ REQUEST_TIMEOUT_MS: '1000', HEADERS_TIMEOUT_MS: '2000' })).toThrow(
      /HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS/,
    )
  })

  it("bounds the server's waits on a locked database", () => {
    expect(loadConfig({}).databaseWaits).toEqual({ sqliteBusyTimeoutMs: 20, pgStatementTimeoutMs: 5_000 })
    expect(loadConfig({ SQLITE_BUSY_TIMEOUT_MS: '0', PG_STATEMENT_TIMEOUT_MS: '0' }).databaseWaits).toEqual({
      sqliteBusyTimeoutMs: 0,
      pgStatementTimeoutMs: 0,
    })
    for (const [key, bad] of [
      ['SQLITE_BUSY_TIMEOUT_MS', '60000'],
      ['SQLITE_BUSY_TIMEOUT_MS', '-1'],
      ['PG_STATEMENT_TIMEOUT_MS', 'x'],
    ] as const) {
      expect(() => loadConfig({ [key]: bad }), `${key}=${bad}`).toThrow(new RegExp(`${key}:`))
    }
  })
})
