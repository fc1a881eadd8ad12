// One load run against a URL: wrk when installed (pinned to its own core), else
// autocannon from npm in a child process pinned the same way. Returns req/s,
// p50/p99 latency and the count of answers that were not 2xx/3xx.
import { execFile } from 'node:child_process'
import { writeFileSync, mkdtempSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { loadCore, pinArgs } from './cores.ts'

const run = promisify(execFile)

export interface LoadOptions {
  url: string
  connections: number
  seconds: number
  method?: 'GET' | 'POST' | 'HEAD'
  headers?: Record<string, string>
  /** Appends a counter to this query parameter's value so every request differs (unique txn ids). */
  uniqueParam?: string
}

export interface LoadResult {
  tool: 'wrk' | 'autocannon'
  requests: number
  rps: number
  p50Ms: number
  p99Ms: number
  /** Answers that were neither 2xx nor 3xx, plus socket errors and timeouts. */
  errors: number
}

let wrkPath: string | null | undefined
async function findWrk(): Promise<string | null> {
  if (wrkPath !== undefined) return wrkPath
  try {
    wrkPath = (await run('sh', ['-c', 'command -v wrk'])).stdout.trim() || null
  } catch {
    wrkPath = null
  }
  return wrkPath
}

export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const wrk = process.env.BENCH_LOADGEN === 'autocannon' ? null : await findWrk()
  return wrk ? runWrk(wrk, options) : runAutocannon(options)
}

function parseWrkLatency(value: string, unit: string): number {
  const n = Number(value)
  return unit === 'us' ? n / 1000 : unit === 's' ? n * 1000 : unit === 'm' ? n * 60_000 : n
}

async function runWrk(wrk: string, o: LoadOptions): Promise<LoadResult> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'cf-wrk-'))
  const script = path.join(dir, 'request.lua')
  const headers = Object.entries(o.headers ?? {}).map(([k, v]) => `wrk.headers[${JSON.stringify(k)}] = ${JSON.stringify(v)}`)
  const lua = [
    `wrk.method = ${JSON.stringify(o.method ?? 'GET')}`,
    ...headers,
    o.uniqueParam
      ? `local n = 0
request = function()
  n = n + 1
  local p = wrk.path:gsub("(${o.uniqueParam}=[^&]*)", "%1-" .. n .. "-" .. math.random(1, 1000000000))
  return wrk.format(nil, p)
end`
      : '',
    // wrk counts non-2xx/3xx itself; socket errors are in its summary
  ].join('\n')
  writeFileSync(script, lua)
  const args = [...pinArgs(loadCore()), wrk, '-t1', `-c${o.connections}`, `-d${o.seconds}s`, '--latency', '-s', script, o.url]
  const { stdout } = await run(args[0]!, args.slice(1), { maxBuffer: 1 << 20 })
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1] ?? NaN)
  const requests = Number(/(\d+) requests in/.exec(stdout)?.[1] ?? NaN)
  const lat = (pct: string) => {
    const m = new RegExp(`^\\s+${pct}%\\s+([\\d.]+)(us|ms|s|m)`, 'm').exec(stdout)
    return m ? parseWrkLatency(m[1]!, m[2]!) : NaN
  }
  const non = Number(/Non-2xx or 3xx responses: (\d+)/.exec(stdout)?.[1] ?? 0)
  const sock = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout)
  const socketErrors = sock ? sock.slice(1).reduce((s, v) => s + Number(v), 0) : 0
  if (!Number.isFinite(rps)) throw new Error(`could not read wrk's output:\n${stdout}`)
  return { tool: 'wrk', requests, rps, p50Ms: lat('50'), p99Ms: lat('99'), errors: non + socketErrors }
}

async function runAutocannon(o: LoadOptions): Promise<LoadResult> {
  const runner = path.join(path.dirname(new URL(import.meta.url).pathname), 'autocannon-runner.ts')
  const args = [...pinArgs(loadCore()), process.execPath, '--import', 'tsx', runner, JSON.stringify(o)]
  const { stdout } = await run(args[0]!, args.slice(1), { maxBuffer: 1 << 20 })
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as LoadResult
}
