// Samples a process's resident memory (Linux /proc) every 250 ms until stopped.
import { readFileSync } from 'node:fs'

export function sampleRss(pid: number): { stop(): { peakMb: number; samples: number } } {
  let peakKb = 0
  let samples = 0
  const read = () => {
    try {
      const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
      peakKb = Math.max(peakKb, kb)
      samples++
    } catch {
      // process gone or not Linux
    }
  }
  read()
  const timer = setInterval(read, 250)
  return {
    stop() {
      clearInterval(timer)
      read()
      return { peakMb: peakKb / 1024, samples }
    },
  }
}
