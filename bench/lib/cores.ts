// Pinning: the server on core 0, the load generator on the last core, when the
// machine has two or more and `taskset` exists.
import { availableParallelism } from 'node:os'
import { execFileSync } from 'node:child_process'

export const cpuCount = () => availableParallelism()

let hasTaskset: boolean | undefined
export function pinArgs(core: number): string[] {
  hasTaskset ??= (() => {
    try {
      execFileSync('sh', ['-c', 'command -v taskset'], { stdio: 'ignore' })
      return true
    } catch {
      return false
    }
  })()
  return hasTaskset && cpuCount() >= 2 ? ['taskset', '-c', String(core)] : []
}
