// The worker side of migrate-in-worker.ts: apply, report, exit. Plain JavaScript,
// so that it runs both in the built server (dist/, next to migrator.js) and from
// the sources (next to migrator.ts, loaded through tsx's API: on Node 20 a worker
// does not inherit the parent's --import tsx).
import { existsSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

async function loadMigrator() {
  const built = new URL('./migrator.js', import.meta.url)
  if (existsSync(built)) return import(built.href)
  const { tsImport } = await import('tsx/esm/api')
  return tsImport('./migrator.ts', import.meta.url)
}

try {
  const { applyMigrations } = await loadMigrator()
  parentPort.postMessage({ applied: await applyMigrations(workerData.databaseUrl) })
} catch (err) {
  const e = err instanceof Error ? err : new Error(String(err))
  parentPort.postMessage({ error: { message: e.message, stack: e.stack } })
}
