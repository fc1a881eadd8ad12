import { describe, expect, it } from 'vitest'
import { spawn } from 'node:child_process'
import { processCpuMs, withCpuPerRequest } from '../../bench/lib/cpu-time.ts'

// The bench's "server CPU per redirect" figure: read off /proc, so Linux only.
const linux = process.platform === 'linux'

/** Burns `ms` of this process's CPU (by its own count, so a busy machine only makes it take longer). */
function spin(ms: number) {
  const start = process.cpuUsage()
  for (;;) {
    const used = process.cpuUsage(start)
    if ((used.user + used.system) / 1000 >= ms) return
  }
}

describe.runIf(linux)('bench CPU time', () => {
  it('counts the CPU a process burns, not the time it sleeps', async () => {
    const before = processCpuMs(process.pid)!
    spin(300)
    const afterSpin = processCpuMs(process.pid)!
    await new Promise((r) => setTimeout(r, 300))
    const afterSleep = processCpuMs(process.pid)!
    // Clock ticks are 10 ms: generous bounds, still far apart.
    expect(afterSpin - before).toBeGreaterThanOrEqual(280)
    expect(afterSpin - before).toBeLessThan(600)
    expect(afterSleep - afterSpin).toBeLessThan(100)
  })

  it('reads another process by its pid, its command name holding spaces and parentheses', async () => {
    // The child burns 400 ms of its own CPU, then idles.
    const child = spawn(process.execPath, [
      '-e',
      "process.title = 'a) b) c) spin'; const s = process.cpuUsage(); for (;;) { const u = process.cpuUsage(s); if (u.user + u.system >= 400000) break }; setTimeout(() => {}, 10000)",
    ])
    try {
      await expect.poll(() => processCpuMs(child.pid!) ?? 0, { timeout: 8000, interval: 100 }).toBeGreaterThanOrEqual(400)
    } finally {
      child.kill()
    }
  })

  it('gives CPU per request for a load, and nothing for a process that is gone', async () => {
    const result = await withCpuPerRequest(process.pid, async () => {
      spin(200)
      return { requests: 1000 }
    })
    // 200 ms over 1,000 requests: ~200 µs each.
    expect(result.cpuUsPerRequest).toBeGreaterThanOrEqual(180)
    expect(result.cpuUsPerRequest).toBeLessThan(500)
    expect(result.requests).toBe(1000)
    expect(processCpuMs(2 ** 30)).toBeUndefined()
    expect((await withCpuPerRequest(2 ** 30, async () => ({ requests: 10 }))).cpuUsPerRequest).toBeUndefined()
  })
})
