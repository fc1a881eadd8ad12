// CPU time a process has used, every thread included (Linux /proc/<pid>/stat:
// utime + stime), so the bench can print the server's CPU per request beside its
// req/s. With the server pinned to one saturated core, the redirect's ratio to bare
// Fastify is the ratio of their CPU per request; that figure shows which side
// moved when the machine's speed moves the ratio.
import { readFileSync } from 'node:fs'
import { execFileSync } from 'node:child_process'
import type { LoadResult } from './load.ts'

let ticksPerSecond: number | undefined

/** Milliseconds of CPU `pid` has used so far; undefined off Linux or once it is gone. */
export function processCpuMs(pid: number): number | undefined {
  let stat: string
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
  } catch {
    return undefined
  }
  // The command name (field 2) may hold spaces: count the fields after its ")".
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
  ticksPerSecond ??= clockTicks()
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / ticksPerSecond
}

function clockTicks(): number {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  } catch {
    return 100
  }
}

/** A load's result with the CPU the server spent per request during it (µs; undefined when unreadable). */
export type MeasuredLoad = LoadResult & { cpuUsPerRequest: number | undefined }

/** Runs `load` and adds the CPU `pid` spent per request during it. */
export async function withCpuPerRequest<T extends { requests: number }>(
  pid: number | undefined,
  load: () => Promise<T>,
): Promise<T & { cpuUsPerRequest: number | undefined }> {
  const read = () => (pid === undefined ? undefined : processCpuMs(pid))
  const before = read()
  const result = await load()
  const after = read()
  const cpuUsPerRequest =
    before === undefined || after === undefined || result.requests === 0 ? undefined : ((after - before) * 1000) / result.requests
  return { ...result, cpuUsPerRequest }
}
