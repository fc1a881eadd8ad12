// The real server as a child process (`node --import tsx src/server.ts`), as
// `npm start` runs it: for start-up, shutdown and crash tests.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot } from '../../src/db/schema-source.ts'
import { pruneDist } from '../../scripts/prune-dist.ts'

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port
      srv.close(() => resolve(port))
    })
  })
}

export interface ServerProcess {
  child: ChildProcess
  baseUrl: string
  output: () => string
  exited: Promise<number | null>
}

export interface StartOptions {
  timeoutMs?: number
  /** Command prefix, e.g. ['taskset', '-c', '0'] to pin the server to a core (benchmarks). */
  prefix?: string[]
  /** Node options before the entry (npmStartNodeArgs() gives npm start's). */
  nodeArgs?: string[]
  /** Entry file relative to the project (default src/server.ts; dist/server.js is the built server). */
  entry?: string
  /** Another checkout to run instead of this one (the bench's --compare). */
  root?: string
}

export async function startServer(env: Record<string, string>, options: StartOptions = {}): Promise<ServerProcess> {
  const timeoutMs = options.timeoutMs ?? 30_000
  const port = Number(env.PORT ?? (await freePort()))
  const entry = options.entry ?? 'src/server.ts'
  const root = options.root ?? projectRoot
  // JavaScript (the built server in dist/, as npm start runs it) needs no TypeScript loader.
  const loader = /\.[cm]?ts$/.test(entry) ? ['--import', 'tsx'] : []
  const [cmd, ...args] = [...(options.prefix ?? []), process.execPath, ...(options.nodeArgs ?? []), ...loader, path.join(root, entry)]
  const child = spawn(cmd, args, {
    cwd: root,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HOST: '127.0.0.1', ...env, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)))
  const baseUrl = `http://127.0.0.1:${port}`
  const deadline = Date.now() + timeoutMs
  let gone = false
  void exited.then(() => (gone = true))
  while (Date.now() < deadline && !gone) {
    try {
      if ((await fetch(`${baseUrl}/healthz`)).ok) return { child, baseUrl, output: () => out, exited }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  child.kill('SIGKILL')
  throw new Error(`server did not start (${gone ? 'exited' : 'timeout'}):\n${out}`)
}

/** Runs the server entry to completion (for start-up refusals). */
export async function runServerExpectingExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(projectRoot, 'src/server.ts')], {
    cwd: projectRoot,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve))
  return { code, output }
}

/** Compiles the server to dist/ as `npm start` does (incremental: fast when nothing changed). */
export function buildServer(root = projectRoot): void {
  execFileSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', path.join(root, 'tsconfig.build.json')], {
    cwd: root,
    stdio: 'inherit',
  })
  pruneDist(root)
}

/** The Node options `npm start` runs the built server with (package.json is their one source). */
export function npmStartNodeArgs(): string[] {
  const scripts = (JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts
  const m = /\bnode ((?:--\S+ )*)dist\/server\.js/.exec(scripts.start ?? '')
  if (!m) throw new Error('package.json: the start script no longer runs "node … dist/server.js"')
  return m[1]!.trim().split(/\s+/).filter(Boolean)
}
