// The migration that brought commission terms: a ledger booked before it keeps
// its figures (revshare 100 %: revenue = earnings), in the entries and in the
// rollups the dashboard and the reports read, on both databases.
import { cp, mkdtemp, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { describe, expect, inject, it } from 'vitest'
import { summary } from '../../src/analytics/summary.ts'
import { openDatabase } from '../../src/db/client.ts'
import { applyMigrations } from '../../src/db/migrator.ts'
import { createScratchDatabase } from '../../src/db/scratch-database.ts'
import { migrationsDir } from '../../src/db/schema-source.ts'
import type { Provider } from '../../src/db/provider.ts'
import { foldLedgerDeltas } from '../../src/ledger/ledger-daily.ts'
import { testConfig } from '../helpers/app.ts'

const FIRST_WITH_TERMS = '20261206112539_commission_terms'
const HOUR = 3600_000

/** The migrations before commission terms, copied to a directory of their own. */
async function migrationsBeforeTerms(provider: Provider): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'cf-migrations-'))
  for (const name of await readdir(migrationsDir(provider)))
    if (name === 'migration_lock.toml' || name < FIRST_WITH_TERMS)
      await cp(path.join(migrationsDir(provider), name), path.join(dir, name), { recursive: true })
  return dir
}

for (const provider of ['sqlite', 'postgresql'] as Provider[]) {
  describe.skipIf(provider === 'postgresql' && !inject('postgresAvailable'))(`commission terms migration [${provider}]`, () => {
    it('keeps the figures of a ledger booked before it: revenue = earnings everywhere', async () => {
      const scratch = await createScratchDatabase(provider)
      const before = await migrationsBeforeTerms(provider)
      try {
        await applyMigrations(scratch.url, before)
        const now = new Date()
        const amounts = [1250, 999, 40_000, 1]
        {
          const database = await openDatabase(scratch.url, { poolSize: 2 })
          try {
            const db = database.prisma
            const partner = await db.$queryRaw<{ id: number }[]>`INSERT INTO partners (name) VALUES ('P') RETURNING id`
            for (const [i, cents] of amounts.entries()) {
              const at = new Date(now.getTime() - (i + 1) * 20 * HOUR)
              const stamp = provider === 'sqlite' ? at.getTime() : at
              await db.$executeRaw`INSERT INTO wallet_entries (partner_id, type, status, amount_cents, created_at, updated_at)
                VALUES (${Number(partner[0]!.id)}, 'conversion', ${i === 3 ? 'pending' : 'confirmed'}, ${cents}, ${stamp}, ${stamp})`
            }
          } finally {
            await database.close()
          }
        }
        await applyMigrations(scratch.url)
        const database = await openDatabase(scratch.url, { poolSize: 2 })
        try {
          const db = database.prisma
          await foldLedgerDeltas(db, provider)
          const entries = await db.walletEntry.findMany({ orderBy: { id: 'asc' } })
          expect(entries.map((e) => [e.amountCents, e.revenueCents])).toEqual(amounts.map((c) => [c, c]))
          const daily = await db.ledgerDaily.findMany()
          expect(daily.every((d) => d.revenueCents === d.amountCents)).toBe(true)
          expect(daily.reduce((n, d) => n + Number(d.revenueCents), 0)).toBe(amounts.reduce((a, b) => a + b, 0))
          const partnerDaily = await db.ledgerPartnerDaily.findMany()
          expect(partnerDaily.every((d) => d.revenueCents === d.amountCents)).toBe(true)
          // rev_7d: the confirmed ones, as before the migration.
          const s = await summary(db, testConfig({ provider, url: scratch.url, database, db }), { now })
          expect(s.rev_7d).toBe((1250 + 999 + 40_000) / 100)
        } finally {
          await database.close()
        }
      } finally {
        await rm(before, { recursive: true, force: true })
        await scratch.drop()
      }
    })
  })
}
