// Process entry: config, app, listen; stop cleanly on SIGTERM/SIGINT.
import { buildApp } from './app.ts'
import { ConfigError, loadConfig } from './config.ts'

let config
try {
  process.loadEnvFile('.env')
} catch {
  // no .env: the environment alone configures the server
}
try {
  config = loadConfig()
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message)
    process.exit(1)
  }
  throw err
}

const app = await buildApp(config)
if (config.adminSecretGenerated) {
  // Printed once, on the console only (never through the logger): development convenience.
  console.log(`\n  ADMIN_SECRET not set: generated for this run: ${config.adminSecret}\n  Set ADMIN_SECRET in .env to keep it.\n`)
}

let stopping = false
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return
    stopping = true
    app.log.info({ signal }, 'stopping: finishing in-flight requests')
    // close(): stops accepting, waits for in-flight requests, runs onClose hooks
    // (click batch flush, database close).
    app.close().then(
      () => process.exit(0),
      (err: unknown) => {
        app.log.error({ err }, 'error while stopping')
        process.exit(1)
      },
    )
  })
}

await app.listen({ host: config.host, port: config.port })
