import { describe, expect, it } from 'vitest'
import { RateWindow } from '../../src/http/rate-window.ts'

describe('rate window', () => {
  it('counts each hit at once: a burst of 8 against 5 lets 5 through', () => {
    let now = 1_000
    const w = new RateWindow(5, 1_000, { now: () => now })
    expect(Array.from({ length: 8 }, () => w.hit('a').over)).toEqual([0, 0, 0, 0, 0, 1, 2, 3])
    now += 400
    expect(w.hit('a')).toEqual({ over: 4, retryAfterMs: 600 })
    // Each key on its own.
    expect(w.hit('b').over).toBe(0)
    // A new window starts when the last one is over.
    now += 600
    expect(w.hit('a')).toEqual({ over: 0, retryAfterMs: 1_000 })
  })

  it('forgets the oldest windows past its bound', () => {
    const now = 0
    const w = new RateWindow(1, 1_000, { now: () => now, maxKeys: 2 })
    w.hit('a')
    w.hit('b')
    w.hit('c') // evicts a
    expect(w.hit('a').over).toBe(0)
    expect(w.hit('c').over).toBe(1)
  })
})
