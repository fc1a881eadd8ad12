// The bound on the log lines of postbacks that fail authentication: how they are
// cut, and how many are let through per source and overall.
import { describe, expect, it } from 'vitest'
import { isTruncated, truncateForLog, UnauthenticatedLogGate, UNAUTHENTICATED_LOG_CHARS } from '../../src/postbacks/unauthenticated-log.ts'

describe('unauthenticated postback log', () => {
  it('cuts query and body to ~2 KB together, with a visible marker, never inside a surrogate pair', () => {
    const small = truncateForLog('network=x', 'a=1')
    expect(small).toEqual({ rawQuery: 'network=x', rawBody: 'a=1' })
    expect(isTruncated(small.rawQuery)).toBe(false)
    const big = truncateForLog('q'.repeat(8000), 'b'.repeat(64_000))
    expect(big.rawQuery).toBe(`${'q'.repeat(1024)}…[6976 more characters not logged]`)
    expect(big.rawBody).toBe(`${'b'.repeat(1024)}…[62976 more characters not logged]`)
    // A short query leaves its share to the body.
    const body = truncateForLog('network=x', 'b'.repeat(5000)).rawBody!
    expect(body.startsWith('b'.repeat(UNAUTHENTICATED_LOG_CHARS - 9))).toBe(true)
    expect(isTruncated(body)).toBe(true)
    const emoji = truncateForLog('', `${'a'.repeat(UNAUTHENTICATED_LOG_CHARS - 1)}😀😀`).rawBody!
    expect(emoji).toMatch(/^a+…\[4 more characters not logged\]$/)
    expect(emoji).not.toMatch(/\p{Cs}/u)
  })

  it('lets a few per second through per source (IPv6 per /64) and 20 times that overall; warns once per window', () => {
    let now = 0
    const skipped: [string | null, boolean, number][] = []
    const gate = new UnauthenticatedLogGate(2, { now: () => now, onSkip: (ip, warn, n) => skipped.push([ip, warn, n]) })
    expect([1, 2, 3, 4].map(() => gate.admit('198.51.100.1'))).toEqual([true, true, false, false])
    expect(gate.admit('2001:db8::1')).toBe(true)
    expect(gate.admit('2001:db8::2')).toBe(true)
    expect(gate.admit('2001:db8::3')).toBe(false)
    expect(skipped.map(([, warn]) => warn)).toEqual([true, false, false])
    // Many sources: the overall ceiling (2 × 20) holds.
    let admitted = 4
    for (let i = 0; i < 100; i++) if (gate.admit(`10.0.${i}.1`)) admitted++
    expect(admitted).toBe(40)
    now = 1_000
    expect(gate.admit('198.51.100.1')).toBe(true)
    expect(gate.skipped).toBe(3 + 100 - 36)
    expect(new UnauthenticatedLogGate(0).admit('198.51.100.1')).toBe(false)
  })
})
