// Generates the Prisma clients for both databases from the one model.
// Runs at install (postinstall) and after a model change (npm run db:generate).
// PRISMA_SCHEMA_ENGINE_BINARY points at a stub: `prisma generate` never needs the
// native schema engine, and nothing may be downloaded.
import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { projectRoot, schemaFor, schemaPath } from '../src/db/schema-source.ts'

const pgSchemaPath = path.join(projectRoot, 'prisma', 'postgresql', 'schema.prisma')
mkdirSync(path.dirname(pgSchemaPath), { recursive: true })
writeFileSync(pgSchemaPath, schemaFor('postgresql'))

const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY: path.join(projectRoot, 'scripts', 'schema-engine-stub'),
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
  CHECKPOINT_DISABLE: '1',
}
const prismaCli = path.join(projectRoot, 'node_modules', 'prisma', 'build', 'index.js')
for (const schema of [schemaPath, pgSchemaPath]) {
  execFileSync(process.execPath, [prismaCli, 'generate', '--schema', schema], { stdio: 'inherit', env, cwd: projectRoot })
}
