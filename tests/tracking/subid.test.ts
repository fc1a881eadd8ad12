import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { formatSubid, parseSubid } from '../../src/tracking/subid.ts'

describe('sub-id', () => {
  it('formats pid<sep>aid<sep>clk with the network separator', () => {
    const s = { partnerId: 12, assignmentId: 345, clickId: 'AbC123xyz' }
    expect(formatSubid(s)).toBe('12:345:AbC123xyz')
    expect(formatSubid(s, '_')).toBe('12_345_AbC123xyz')
    expect(formatSubid(s, '-')).toBe('12-345-AbC123xyz')
  })

  it('parses every separator, and a value the network encoded once more', () => {
    const expected = { partnerId: 7, assignmentId: 8, clickId: 'k9' }
    for (const raw of ['7:8:k9', '7_8_k9', '7-8-k9', '7%3A8%3Ak9', ' 7:8:k9 '])
      expect(parseSubid(raw)).toEqual({ ok: true, subid: expected })
  })

  it('keeps separators that appear inside a click id (the two ids are digits)', () => {
    expect(parseSubid('7_8_ab_c-d')).toEqual({ ok: true, subid: { partnerId: 7, assignmentId: 8, clickId: 'ab_c-d' } })
  })

  it('refuses what is not a sub-id, with a reason', () => {
    for (const raw of [undefined, '', 'abc', '7:8', '7:8:', 'x:8:k', '7:8_k', '7:8:k k', '7:8:<script>', '%E0%A4%A', '99999999999:1:k']) {
      const r = parseSubid(raw)
      expect(r.ok, String(raw)).toBe(false)
      if (!r.ok) expect(r.reason).toMatch(/subid/)
    }
  })

  it('round-trips any ids and click id (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2_147_483_647 }),
        fc.integer({ min: 0, max: 2_147_483_647 }),
        fc.stringMatching(/^[A-Za-z0-9]{1,40}$/),
        fc.constantFrom(':', '_', '-'),
        (partnerId, assignmentId, clickId, sep) => {
          const subid = { partnerId, assignmentId, clickId }
          expect(parseSubid(formatSubid(subid, sep as ':'))).toEqual({ ok: true, subid })
          expect(parseSubid(encodeURIComponent(formatSubid(subid, sep as ':')))).toEqual({ ok: true, subid })
        },
      ),
    )
  })

  it('never throws on arbitrary input (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => void parseSubid(s)))
  })
})
