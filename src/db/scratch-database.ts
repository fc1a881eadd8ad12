// Empty throw-away databases: one per test file, and the blank slate that
// new migrations are computed against.
import { mkdtempSync, rmSync } from 'node:fs'
import { randomBytes } from 'node:crypto'
import os from 'node:os'
import path from 'node:path'
import pg from 'pg'
import type { Provider } from './provider.ts'

export const defaultPostgresAdminUrl = 'postgresql://postgres@127.0.0.1:5432/test'

export interface ScratchDatabase {
  url: string
  drop(): Promise<void>
}

export async function createScratchDatabase(
  provider: Provider,
  postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? defaultPostgresAdminUrl,
): Promise<ScratchDatabase> {
  if (provider === 'sqlite') {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'contentflow-'))
    return {
      url: `file:${path.join(dir, 'test.db')}`,
      drop: async () => {
        rmSync(dir, { recursive: true, force: true })
      },
    }
  }
  const name = `cf_scratch_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`
  const admin = new pg.Client({ connectionString: postgresAdminUrl })
  await admin.connect()
  try {
    await admin.query(`CREATE DATABASE "${name}"`)
  } finally {
    await admin.end()
  }
  const url = new URL(postgresAdminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const c = new pg.Client({ connectionString: postgresAdminUrl })
      await c.connect()
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)
      } finally {
        await c.end()
      }
    },
  }
}

/** True when a PostgreSQL server answers at the admin URL. */
export async function postgresAvailable(postgresAdminUrl = process.env.TEST_POSTGRES_URL ?? defaultPostgresAdminUrl): Promise<boolean> {
  const c = new pg.Client({ connectionString: postgresAdminUrl, connectionTimeoutMillis: 2000 })
  try {
    await c.connect()
    await c.query('select 1')
    return true
  } catch {
    return false
  } finally {
    await c.end().catch(() => {})
  }
}
