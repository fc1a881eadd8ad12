// npm run db:new-migration -- <name>
// After a change to prisma/schema.prisma: writes the migration for SQLite and for
// PostgreSQL, each computed against a blank database with the existing migrations applied.
import { writeNewMigration } from '../src/db/migrator.ts'
import { createScratchDatabase } from '../src/db/scratch-database.ts'
import type { Provider } from '../src/db/provider.ts'

const name = process.argv[2]
if (!name) {
  console.error('usage: npm run db:new-migration -- <name>')
  process.exit(2)
}
const now = new Date()
for (const provider of ['sqlite', 'postgresql'] as Provider[]) {
  const scratch = await createScratchDatabase(provider, process.env.MIGRATION_POSTGRES_URL)
  try {
    const dir = await writeNewMigration(scratch.url, name, now)
    console.log(dir ? `${provider}: wrote ${dir}` : `${provider}: no change, nothing written`)
  } finally {
    await scratch.drop()
  }
}
