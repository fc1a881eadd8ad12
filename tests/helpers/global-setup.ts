// Decides once whether the PostgreSQL half of the suite runs. Locally a missing
// server is a loud skip; under CI=true it fails the run.
import type { TestProject } from 'vitest/node'
import { defaultPostgresAdminUrl, postgresAvailable } from '../../src/db/scratch-database.ts'

export default async function setup(project: TestProject) {
  const url = process.env.TEST_POSTGRES_URL ?? defaultPostgresAdminUrl
  const available = await postgresAvailable(url)
  if (!available) {
    if (process.env.CI === 'true') throw new Error(`CI=true and PostgreSQL is not reachable at ${url}: the PostgreSQL suite must run in CI`)
    console.warn(`\n*** PostgreSQL not reachable at ${url}: every PostgreSQL test is SKIPPED (set TEST_POSTGRES_URL). ***\n`)
  }
  project.provide('postgresAvailable', available)
}

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAvailable: boolean
  }
}
