import { cpSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { afterAll, describe, expect, inject, it } from 'vitest'
import { applyMigrations, diffDatabaseToModel } from '../../src/db/migrator.ts'
import { applyMigrationsInWorker } from '../../src/db/migrate-in-worker.ts'
import { migrationsDir } from '../../src/db/schema-source.ts'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { openDatabase } from '../../src/db/client.ts'
import { providers } from '../helpers/databases.ts'
import type { Provider } from '../../src/db/provider.ts'

const probeMigration = '99991231000000_probe'

/** The checked-in migrations plus one more, not yet applied anywhere (in a temp folder). */
function migrationsWithOneMore(provider: Provider): { dir: string; remove(): void } {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'contentflow-migrations-'))
  cpSync(migrationsDir(provider), dir, { recursive: true })
  mkdirSync(path.join(dir, probeMigration))
  writeFileSync(path.join(dir, probeMigration, 'migration.sql'), 'CREATE TABLE "migration_probe" ("id" INTEGER NOT NULL PRIMARY KEY);\n')
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) }
}

for (const provider of providers) {
  describe.skipIf(provider === 'postgresql' && !inject('postgresAvailable'))(`migrations [${provider}]`, () => {
    const scratches: ScratchDatabase[] = []
    afterAll(async () => {
      for (const s of scratches) await s.drop()
    })

    it('an empty database differs from the model (the drift check can fail)', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      const sql = await diffDatabaseToModel(scratch.url)
      expect(sql).toContain('CREATE TABLE "wallet_entries"')
    })

    it('the checked-in migrations produce exactly the schema of the model (no drift)', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      const applied = await applyMigrations(scratch.url)
      expect(applied.length).toBeGreaterThan(0)
      expect(await diffDatabaseToModel(scratch.url)).toBe('')
    })

    it('records migrations in _prisma_migrations and applies each only once', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      const first = await applyMigrations(scratch.url)
      expect(await applyMigrations(scratch.url)).toEqual([])
      const database = await openDatabase(scratch.url)
      try {
        const rows = await database.prisma.$queryRawUnsafe<{ migration_name: string; finished_at: unknown }[]>(
          'SELECT migration_name, finished_at FROM _prisma_migrations ORDER BY migration_name',
        )
        expect(rows.map((r) => r.migration_name)).toEqual(first)
        expect(rows.every((r) => r.finished_at !== null)).toBe(true)
      } finally {
        await database.close()
      }
    })

    // The server restarting after a crash while something else (a reader, another
    // process) has the database open: the SQLite engine's exclusive lock would fail.
    it('migrating again while another connection holds the database open finds nothing to do', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      await applyMigrations(scratch.url)
      const other = await openDatabase(scratch.url)
      try {
        await other.prisma.metricEvent.count()
        expect(await applyMigrations(scratch.url)).toEqual([])
      } finally {
        await other.close()
      }
    })

    it('a genuinely pending migration still applies, once, and is recorded', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      await applyMigrations(scratch.url)
      const next = migrationsWithOneMore(provider)
      const database = await openDatabase(scratch.url)
      await database.prisma.metricEvent.count() // a connection that has read holds SQLite's shared state
      try {
        if (provider === 'sqlite') {
          // SQLite: the engine needs the file to itself; refused clearly, nothing applied
          await expect(applyMigrations(scratch.url, next.dir)).rejects.toThrow(/holds it open/)
          await database.close()
        }
        expect(await applyMigrations(scratch.url, next.dir)).toEqual([probeMigration])
        expect(await applyMigrations(scratch.url, next.dir)).toEqual([])
        const check = await openDatabase(scratch.url)
        try {
          expect(await check.prisma.$queryRawUnsafe('SELECT count(*) AS n FROM migration_probe')).toHaveLength(1)
          const rows = await check.prisma.$queryRawUnsafe<{ n: unknown }[]>(
            `SELECT count(*) AS n FROM _prisma_migrations WHERE migration_name = '${probeMigration}' AND finished_at IS NOT NULL`,
          )
          expect(Number(rows[0]!.n)).toBe(1)
        } finally {
          await check.close()
        }
      } finally {
        if (provider === 'postgresql') await database.close()
        next.remove()
      }
    })

    it('a failed migration attempt is not skipped as done: the engine reports it', async () => {
      const scratch = await createScratchDatabase(provider)
      scratches.push(scratch)
      const applied = await applyMigrations(scratch.url)
      const database = await openDatabase(scratch.url)
      await database.prisma.$executeRawUnsafe(`UPDATE _prisma_migrations SET finished_at = NULL WHERE migration_name = '${applied.at(-1)}'`)
      await database.close()
      await expect(applyMigrations(scratch.url)).rejects.toThrow(/failed migrations/)
    })
  })
}

describe('migrations in a worker thread (the server start)', () => {
  it('applies the same migrations as in-process, then nothing the second time', async () => {
    const scratch = await createScratchDatabase('sqlite')
    try {
      const applied = await applyMigrationsInWorker(scratch.url)
      expect(applied).toEqual(
        readdirSync(migrationsDir('sqlite'))
          .filter((d) => /^\d{14}_/.test(d))
          .sort(),
      )
      expect(await applyMigrationsInWorker(scratch.url)).toEqual([])
      expect(await diffDatabaseToModel(scratch.url)).toBe('')
    } finally {
      await scratch.drop()
    }
  })

  it("rejects with the migrator's own message", async () => {
    await expect(applyMigrationsInWorker('mysql://nowhere/db')).rejects.toThrow(/DATABASE_URL must start with file:/)
  })
})
