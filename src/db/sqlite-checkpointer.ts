// SQLite in WAL mode copies the log back into the database file (a checkpoint,
// with an fsync) inside whichever commit pushes the log past 1000 pages: on the
// event loop, so every request in flight waits for it. Under click load that is
// a few times a second. This worker thread, with its own connection, checkpoints
// every 50 milliseconds instead, PASSIVE (it never waits on a reader or the
// writer): the log stays under the threshold, the fsync happens off the event
// loop, and the in-commit checkpoint is left as a safety net only: its threshold
// is raised (IN_COMMIT_CHECKPOINT_PAGES), since at 1000 pages a burst between two
// ticks still crossed it on the event loop.
// The interval sets how much each checkpoint flushes, and a commit that lands
// during a big flush can stall behind it: longer intervals stalled click batches
// for tens of milliseconds, shorter ones cost the worker more CPU. The figures
// behind the choice are in the commits that set it (git log on this file).
import { Worker } from 'node:worker_threads'

/** The main connection's in-commit checkpoint, once the worker runs (~40 MB of log: it has fallen far behind). */
export const IN_COMMIT_CHECKPOINT_PAGES = 10_000

export interface Checkpointer {
  stop(): Promise<void>
}

const entry = new URL('./sqlite-checkpoint-worker.mjs', import.meta.url)

export function startCheckpointer(file: string, intervalMs = 50): Checkpointer {
  // A tiny heap: the worker only runs one pragma (its isolate's default heap sizing would cost the server ~25 MB).
  const worker = new Worker(entry, {
    workerData: { file, intervalMs },
    resourceLimits: { maxOldGenerationSizeMb: 8, maxYoungGenerationSizeMb: 1, codeRangeSizeMb: 4 },
  })
  // A checkpointer that dies leaves the in-commit checkpoint doing the work: no harm to data.
  worker.on('error', () => {})
  worker.unref()
  return {
    async stop() {
      await worker.terminate()
    },
  }
}
