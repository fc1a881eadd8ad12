// Runs a block of tests once per database, each on its own fresh, migrated
// database (a temp SQLite file; a throw-away PostgreSQL database).
import { afterAll, beforeAll, describe, inject } from 'vitest'
import { openDatabase, type Database, type Db } from '../../src/db/client.ts'
import { applyMigrations } from '../../src/db/migrator.ts'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import type { Provider } from '../../src/db/provider.ts'

export const providers: Provider[] = ['sqlite', 'postgresql']

export interface TestDatabase {
  provider: Provider
  url: string
  database: Database
  db: Db
}

/** A fresh migrated database; close it with the returned drop(). */
export async function freshDatabase(provider: Provider): Promise<TestDatabase & { drop(): Promise<void> }> {
  const scratch: ScratchDatabase = await createScratchDatabase(provider)
  await applyMigrations(scratch.url)
  const database = await openDatabase(scratch.url, { poolSize: 4 })
  return {
    provider,
    url: scratch.url,
    database,
    db: database.prisma,
    drop: async () => {
      await database.close()
      await scratch.drop()
    },
  }
}

/**
 * describe(name) once per database. `body` receives a getter for the test database
 * (available inside tests and hooks, not at collection time).
 */
export function describeEachDatabase(name: string, body: (t: () => TestDatabase, provider: Provider) => void) {
  for (const provider of providers) {
    const skip = provider === 'postgresql' && !inject('postgresAvailable')
    describe.skipIf(skip)(`${name} [${provider}]`, () => {
      let current: (TestDatabase & { drop(): Promise<void> }) | undefined
      beforeAll(async () => {
        current = await freshDatabase(provider)
      })
      afterAll(async () => {
        await current?.drop()
      })
      body(() => {
        if (!current) throw new Error('test database not ready (use it inside a test or hook)')
        return current
      }, provider)
    })
  }
}

/** Empties every table (between tests that need a blank ledger). */
export async function truncateAll(db: Db, provider: Provider): Promise<void> {
  const tables = [
    'portal_sessions',
    'portal_links',
    'commission_terms',
    'click_visitors',
    'payout_batch_items',
    'payout_batches',
    'wallet_entry_history',
    'wallet_entries',
    'payouts',
    'partner_flags',
    'metric_events',
    'click_rollups',
    'click_link_rollups',
    'assignments',
    'offers',
    'networks',
    'partners',
    'postback_logs',
    'audit_log',
  ]
  if (provider === 'postgresql') {
    await db.$executeRawUnsafe(`TRUNCATE ${tables.map((t) => `"${t}"`).join(', ')} RESTART IDENTITY CASCADE`)
  } else {
    for (const t of tables) await db.$executeRawUnsafe(`DELETE FROM "${t}"`)
  }
}
