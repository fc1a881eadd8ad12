// npm run test:reliability: the slow proofs (crash, graceful stop, two instances,
// database outage), one file at a time so each has the machine to itself.
import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['tests/reliability/**/*.test.ts'],
    globalSetup: ['tests/helpers/global-setup.ts'],
    testTimeout: 180_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    // As in vitest.config.ts: autoload's import() of the route files goes through vitest.
    server: { deps: { inline: ['@fastify/autoload'] } },
  },
})
