import { describe, expect, it } from 'vitest'
import { CLICK_ID_LENGTH, isLinkCode, newClickId, newLinkCode, timePrefix } from '../../src/tracking/click-id.ts'

describe('click ids and link codes', () => {
  it('click ids are 22 URL-safe characters without sub-id separators', () => {
    for (let i = 0; i < 1000; i++) {
      const id = newClickId()
      expect(id).toMatch(/^[A-Za-z0-9]{22}$/)
      expect(encodeURIComponent(id)).toBe(id)
    }
    expect(CLICK_ID_LENGTH).toBeGreaterThanOrEqual(16)
  })

  it('click ids do not repeat and their random part uses the whole alphabet evenly', () => {
    const now = Date.now()
    const ids = Array.from({ length: 20_000 }, () => newClickId(now))
    expect(new Set(ids).size).toBe(ids.length)
    const counts = new Map<string, number>()
    for (const id of ids) for (const c of id.slice(7)) counts.set(c, (counts.get(c) ?? 0) + 1)
    expect(counts.size).toBe(62)
    const expected = (ids.length * 15) / 62
    for (const n of counts.values()) expect(Math.abs(n - expected) / expected).toBeLessThan(0.1)
  })

  it('click ids sort in the order of their millisecond (appends to the index)', () => {
    const times = [0, 1, 61, 62, 1_700_000_000_000, 1_795_630_000_000, 1_795_630_000_001, 3_000_000_000_000]
    const ids = times.map((t) => newClickId(t))
    expect([...ids].sort()).toEqual(ids)
    expect(new Set(ids.map((id) => id.length))).toEqual(new Set([22]))
    expect(timePrefix(0)).toBe('0000000')
    expect(timePrefix(62)).toBe('0000010')
  })

  it('link codes are checked before any lookup', () => {
    expect(isLinkCode(newLinkCode())).toBe(true)
    for (const bad of ['', 'abc', '../../etc', 'a b c d', '%2F%2Fevil.com', 'x'.repeat(65), 'é1234'])
      expect(isLinkCode(bad), bad).toBe(false)
  })
})
