// The real app over a test database, driven with inject().
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { loadConfig, type Config } from '../../src/config.ts'
import type { TestDatabase } from './databases.ts'

export const TEST_ADMIN_SECRET = 'test-admin-secret-0123456789abcdef'

export function testConfig(t: TestDatabase, env: Record<string, string> = {}): Config {
  return loadConfig({ NODE_ENV: 'test', ADMIN_SECRET: TEST_ADMIN_SECRET, DATABASE_URL: t.url, LOG_LEVEL: 'silent', ...env })
}

export async function buildTestApp(t: TestDatabase, env: Record<string, string> = {}): Promise<FastifyInstance> {
  const app = await buildApp(testConfig(t, env), { database: t.database, logger: false })
  await app.ready()
  return app
}

export const adminHeaders = { 'x-admin-secret': TEST_ADMIN_SECRET }
