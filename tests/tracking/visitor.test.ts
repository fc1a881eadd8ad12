import { describe, expect, it } from 'vitest'
import { RecentVisitors, visitorHash } from '../../src/tracking/visitor.ts'

const HOUR = 60 * 60 * 1000

describe('visitors', () => {
  it('hashes IP + user agent with the salt, never showing the IP', () => {
    const h = visitorHash('salt-aaaaaaaaaaaaaaaa', '203.0.113.7', 'UA')
    expect(h).toMatch(/^[A-Za-z0-9_-]{22}$/)
    expect(h).not.toContain('203')
    expect(visitorHash('salt-aaaaaaaaaaaaaaaa', '203.0.113.7', 'UA')).toBe(h)
    expect(visitorHash('salt-bbbbbbbbbbbbbbbb', '203.0.113.7', 'UA')).not.toBe(h)
    expect(visitorHash('salt-aaaaaaaaaaaaaaaa', '203.0.113.8', 'UA')).not.toBe(h)
    expect(visitorHash('salt-aaaaaaaaaaaaaaaa', '203.0.113.7', 'UA2')).not.toBe(h)
  })

  it('a repeat click on the same link within the hour is not unique; after it, or on another link, it is', () => {
    const v = new RecentVisitors()
    const t0 = Date.UTC(2026, 5, 1)
    expect(v.visit(1, 'h', t0)).toBe(true)
    expect(v.visit(1, 'h', t0 + HOUR - 1)).toBe(false)
    expect(v.visit(2, 'h', t0 + 10)).toBe(true)
    expect(v.visit(1, 'other', t0 + 10)).toBe(true)
    // measured from the previous click
    expect(v.visit(1, 'h', t0 + 2 * HOUR - 1)).toBe(true)
  })

  it('stays bounded: a flood forgets the oldest visits first; old generations are dropped whole', () => {
    const v = new RecentVisitors({ maxEntries: 100 })
    const t0 = 1_000_000
    for (let i = 0; i < 1000; i++) {
      v.visit(i, 'h', t0 + i)
      expect(v.size).toBeLessThanOrEqual(100)
    }
    expect(v.visit(999, 'h', t0 + 1000)).toBe(false)
    expect(v.visit(0, 'h', t0 + 1000)).toBe(true)
    expect(v.visit(999, 'h', t0 + 1000 + HOUR)).toBe(true)
    v.visit(5000, 'h', t0 + 4 * HOUR)
    expect(v.size).toBe(1)
  })

  it('remembers across a generation change (a visit just before it still counts)', () => {
    const v = new RecentVisitors()
    const t0 = 0
    v.visit(1, 'first', t0)
    v.visit(1, 'h', t0 + HOUR - 10)
    // t0 + HOUR: the generation turns; the visit 20 ms ago is in the previous one.
    expect(v.visit(1, 'h', t0 + HOUR + 10)).toBe(false)
    expect(v.visit(1, 'first', t0 + HOUR + 10)).toBe(true)
  })
})
