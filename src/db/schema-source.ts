import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import path from 'node:path'
import type { Provider } from './provider.ts'

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url))
export const schemaPath = path.join(projectRoot, 'prisma', 'schema.prisma')

/** Folder of checked-in migrations for one database. */
export function migrationsDir(provider: Provider): string {
  return path.join(projectRoot, 'prisma', 'migrations', provider)
}

/**
 * The data model for one database. prisma/schema.prisma is the only source and is
 * written for SQLite; the PostgreSQL variant differs only in its provider and in
 * where its client is generated.
 */
export function schemaFor(provider: Provider): string {
  const source = readFileSync(schemaPath, 'utf8')
  if (provider === 'sqlite') return source
  const variant = source
    .replace(/provider\s*=\s*"sqlite"/, 'provider = "postgresql"')
    .replace('output       = "../src/generated/sqlite"', 'output       = "../../src/generated/postgresql"')
  if (variant === source || !variant.includes('generated/postgresql')) {
    throw new Error('prisma/schema.prisma: could not derive the PostgreSQL variant (provider/output lines changed?)')
  }
  return `// GENERATED from prisma/schema.prisma by npm run db:generate — do not edit.\n${variant}`
}
