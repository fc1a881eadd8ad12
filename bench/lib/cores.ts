// Pinning: the server on core 0, the load generator on the last core, when the
// machine has two or more and `taskset` exists.
import { availableParallelism } from 'node:os'
import { execFileSync } from 'node:child_process'

// Read once, before pinBenchToLoadCore narrows this process's own affinity
// (availableParallelism follows it).
const cores = availableParallelism()
export const cpuCount = () => cores

let hasTaskset: boolean | undefined
function tasksetExists(): boolean {
  hasTaskset ??= (() => {
    try {
      execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  return hasTaskset
}

export function pinArgs(core: number): string[] {
  return tasksetExists() && cpuCount() >= 2 ? ['taskset', '-c', String(core)] : []
}

/** The load generator's core: the last one, away from the server's. */
export const loadCore = () => cpuCount() - 1

/**
 * The bench's own process, every thread, onto the load generator's core. Left
 * free to run anywhere, the scheduler put it on the server's core as well: its
 * polling (RSS, CPU time) and its runtime's threads took the CPU from the
 * server in slices of up to 5 ms during the measured loads (`perf sched`).
 * Returns whether it pinned.
 */
export function pinBenchToLoadCore(): boolean {
  if (!tasksetExists() || cpuCount() < 2) return false
  execFileSync('taskset', ['-a', '-p', '-c', String(loadCore()), String(process.pid)], { stdio: 'ignore' })
  return true
}
