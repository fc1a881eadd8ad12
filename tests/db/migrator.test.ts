import { afterAll, describe, expect, inject, it } from 'vitest'
import { applyMigrations, diffDatabaseToModel } from '../../src/db/migrator.ts'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { openDatabase } from '../../src/db/client.ts'
import { providers } from '../helpers/databases.ts'

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
  })
}
