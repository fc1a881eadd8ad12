// PostgreSQL's backends for one database moved to one core: the load generator's.
// The server under test is pinned to core 0 like the bare-Fastify baseline it is
// compared with; left to the scheduler, the backends writing its clicks ran on
// that core too, and the ratio charged the server for the database's CPU, which a
// deployment runs on cores (or a machine) of its own. Backends are pinned again
// before every run, as the server's pool may open new ones.
import { execFileSync } from 'node:child_process'
import pg from 'pg'
import { cpuCount } from './cores.ts'

export type PinResult = { pinned: number } | { skipped: string }

async function clientBackends(databaseUrl: string): Promise<number[]> {
  const client = new pg.Client({ connectionString: databaseUrl })
  await client.connect()
  try {
    const { rows } = await client.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND backend_type = 'client backend' AND pid <> pg_backend_pid()`,
    )
    return rows.map((r) => r.pid)
  } finally {
    await client.end()
  }
}

/** Sets the CPU affinity of the database's client backends to `cores` (taskset's list, e.g. "1" or "0-1"). */
export async function setPostgresAffinity(databaseUrl: string, cores: string): Promise<PinResult> {
  if (cpuCount() < 2) return { skipped: 'one core only' }
  const pids = await clientBackends(databaseUrl)
  try {
    for (const pid of pids) execFileSync('taskset', ['-p', '-c', cores, String(pid)], { stdio: 'ignore' })
  } catch (err) {
    // Another user's processes (not root), or no taskset: measured unpinned, and said so.
    return { skipped: `taskset failed: ${(err as Error).message.split('\n')[0]}` }
  }
  return { pinned: pids.length }
}

/** Every core: the scheduler's choice again. */
export const allCores = () => `0-${cpuCount() - 1}`
