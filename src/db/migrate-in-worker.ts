// applyMigrations in a worker thread, for the server's start: the wasm schema
// engine takes ~60 MB that WebAssembly never gives back to the process; in a
// worker, that memory leaves with the worker instead of staying in the server's
// resident set for its whole life.
import { Worker } from 'node:worker_threads'

const entry = new URL('./migrate-worker.mjs', import.meta.url)

export function applyMigrationsInWorker(databaseUrl: string): Promise<string[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(entry, { workerData: { databaseUrl } })
    let result: { applied?: string[]; error?: { message: string; stack?: string } } | undefined
    worker.once('message', (m: typeof result) => (result = m))
    worker.once('error', reject)
    worker.once('exit', (code) => {
      if (result?.applied) {
        resolve(result.applied)
        return
      }
      const err = new Error(result?.error?.message ?? `migration worker exited with code ${code}`)
      if (result?.error?.stack) err.stack = result.error.stack
      reject(err)
    })
  })
}
