import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    exclude: ['tests/reliability/**', 'node_modules/**'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    maxWorkers: 2,
    // @fastify/autoload imports the route files itself: inlined, its import()
    // goes through vitest (TypeScript, and the same module instances as the app).
    server: { deps: { inline: ['@fastify/autoload'] } },
  },
})
