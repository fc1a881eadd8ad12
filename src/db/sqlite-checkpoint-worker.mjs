// The worker side of sqlite-checkpointer.ts (plain JavaScript: it needs no
// TypeScript and runs the same from src/ and dist/).
import { workerData } from 'node:worker_threads'
import Database from 'better-sqlite3'

const db = new Database(workerData.file, { timeout: 0 })
setInterval(() => {
  try {
    db.pragma('wal_checkpoint(PASSIVE)')
  } catch {
    // busy or gone: the next tick (or the in-commit checkpoint) will do it
  }
}, workerData.intervalMs)
