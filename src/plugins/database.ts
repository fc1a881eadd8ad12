// Opens the database (applying pending migrations first, unless told not to) and
// closes it when the server stops.
import fp from 'fastify-plugin'
import type { Config } from '../config.ts'
import { openDatabase, type Database } from '../db/client.ts'
import { applyMigrationsInWorker } from '../db/migrate-in-worker.ts'

export default fp<{ config: Config; database?: Database }>(
  async (app, { config, database }) => {
    let db = database
    if (!db) {
      if (config.autoMigrate) {
        const applied = await applyMigrationsInWorker(config.databaseUrl)
        if (applied.length) app.log.info({ applied }, 'applied database migrations')
      }
      db = await openDatabase(config.databaseUrl, {
        backgroundCheckpoint: true,
        // Short waits: a lock held elsewhere must not stall the event loop (SQLite) or hang a postback (PostgreSQL).
        busyTimeoutMs: config.databaseWaits.sqliteBusyTimeoutMs,
        statementTimeoutMs: config.databaseWaits.pgStatementTimeoutMs,
      })
      const opened = db
      app.addHook('onClose', async () => opened.close())
    }
    app.decorate('database', db)
  },
  { name: 'database' },
)

declare module 'fastify' {
  interface FastifyInstance {
    database: Database
  }
}
