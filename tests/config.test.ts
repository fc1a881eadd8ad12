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
})
