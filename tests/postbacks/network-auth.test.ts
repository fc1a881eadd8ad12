import { describe, expect, it } from 'vitest'
import { fingerprintOf, ipAllowed, maskedToken, normaliseIp, parseAllowList, tokenMatches } from '../../src/postbacks/network-auth.ts'

describe('network authentication', () => {
  it('an empty allow-list lets any source through', () => {
    expect(parseAllowList('')).toBeNull()
    expect(parseAllowList(' , ')).toBeNull()
    expect(ipAllowed(null, '198.51.100.1')).toBe(true)
  })

  it('matches single IPs and CIDR ranges, IPv4 and IPv6', () => {
    const allow = parseAllowList('203.0.113.7, 10.0.0.0/8 2001:db8::/32')!
    expect(allow.entries).toEqual(['203.0.113.7', '10.0.0.0/8', '2001:db8::/32'])
    expect(ipAllowed(allow, '203.0.113.7')).toBe(true)
    expect(ipAllowed(allow, '203.0.113.8')).toBe(false)
    expect(ipAllowed(allow, '10.200.3.4')).toBe(true)
    expect(ipAllowed(allow, '11.0.0.1')).toBe(false)
    expect(ipAllowed(allow, '2001:db8:1::5')).toBe(true)
    expect(ipAllowed(allow, '2001:db9::5')).toBe(false)
    expect(ipAllowed(allow, '::ffff:203.0.113.7')).toBe(true)
    expect(ipAllowed(allow, undefined)).toBe(false)
    expect(ipAllowed(allow, 'not-an-ip')).toBe(false)
  })

  it('refuses what is not an address or a range', () => {
    for (const bad of ['example.com', '10.0.0.0/33', '10.0.0.0/x', '1.2.3.4/8/9', '2001:db8::/129', '300.1.1.1'])
      expect(() => parseAllowList(bad), bad).toThrow()
  })

  it('normalises IPv4-mapped IPv6 addresses', () => {
    expect(normaliseIp('::ffff:127.0.0.1')).toBe('127.0.0.1')
    expect(normaliseIp('2001:db8::1')).toBe('2001:db8::1')
  })

  it('compares tokens exactly', () => {
    expect(tokenMatches('secret-token-123456', 'secret-token-123456')).toBe(true)
    expect(tokenMatches('secret-token-12345', 'secret-token-123456')).toBe(false)
    expect(tokenMatches(undefined, 'secret-token-123456')).toBe(false)
  })

  it('keeps a keyed fingerprint of the token instead of the token', () => {
    const m = maskedToken('salt-0123456789abcdef', 'secret-token-123456')
    expect(m).toMatch(/^\*\*\*[0-9a-f]{12}$/)
    expect(m).not.toContain('secret')
    expect(maskedToken('salt-0123456789abcdef', 'secret-token-123456')).toBe(m)
    expect(maskedToken('salt-0123456789abcdef', 'other-token-1234567')).not.toBe(m)
    expect(maskedToken('another-salt-0123456', 'secret-token-123456')).not.toBe(m)
    expect(fingerprintOf(m)).toBe(m.slice(3))
    expect(fingerprintOf('***')).toBeNull()
  })
})
