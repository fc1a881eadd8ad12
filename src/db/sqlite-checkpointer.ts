// SQLite in WAL mode copies the log back into the database file (a checkpoint,
// with an fsync) inside whichever commit pushes the log past 1000 pages: on the
// event loop, so every request in flight waits for it. Under click load that is
// a few times a second. This worker thread, with its own connection, checkpoints
// every few hundred milliseconds instead, PASSIVE (it never waits on a reader or
// the writer): the log stays under the threshold, the fsync happens off the event
// loop, and the in-commit checkpoint is left as a safety net only.
import { Worker } from 'node:worker_threads'

export interface Checkpointer {
  stop(): Promise<void>
}

const entry = new URL('./sqlite-checkpoint-worker.mjs', import.meta.url)

export function startCheckpointer(file: string, intervalMs = 200): Checkpointer {
  // A tiny heap: the worker only runs one pragma (its isolate's default heap sizing would cost the server ~25 MB).
  const worker = new Worker(entry, { workerData: { file, intervalMs }, resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 4 } })
  // A checkpointer that dies leaves the in-commit checkpoint doing the work: no harm to data.
  worker.on('error', () => {})
  worker.unref()
  return {
    async stop() {
      await worker.terminate()
    },
  }
}
