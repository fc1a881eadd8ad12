// On SQLite, Prisma's better-sqlite3 adapter runs every statement on one shared
// connection, and a transaction is BEGIN … COMMIT on that same connection, held
// open across awaits (a postback batch, a payout validation). A statement issued
// meanwhile outside the transaction would run INSIDE it: it would read the
// transaction's uncommitted rows, and a write would be rolled back with it — a
// click batch acknowledged with a 302, then lost. (The adapter's own lock only
// makes transactions take turns.)
//
// TransactionGatedAdapter wraps the adapter so that, while a transaction is open,
// statements outside it wait for it to end; transactions take turns too. That is
// what separate connections would get from SQLite's one-writer lock, on the one
// connection. With no transaction open, a statement runs at once.
//
// Another process (a CLI command) may hold the file's write lock. SQLite's own
// busy wait would block the event loop, so the server keeps it short and the gate
// waits instead, asynchronously (lockWaitMs, with a doubling pause): a statement
// outside a transaction that met the lock is run again (it changed nothing), and a
// transaction takes the write lock first thing, with a write that matches no row,
// so that it meets the lock before its work has read or written anything. The
// gate is not held during a pause: the click batch (which retries on its own) and
// reads go on meanwhile.
import { setTimeout as sleep } from 'node:timers/promises'
import { Mutex } from 'async-mutex'
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils'
import { adapterCause, isTransientConflict } from '../errors.ts'

// Any write statement takes the write lock, even one that changes nothing; the
// migrations table exists in every migrated database.
const TAKE_WRITE_LOCK: SqlQuery = { sql: 'DELETE FROM "_prisma_migrations" WHERE 0', args: [], argTypes: [] }
const ROLLBACK: SqlQuery = { sql: 'ROLLBACK', args: [], argTypes: [] }
const FIRST_PAUSE_MS = 5
const MAX_PAUSE_MS = 200

export interface GateOptions {
  /** How long a statement or a transaction waits, asynchronously, for a write lock held elsewhere; 0: not at all. */
  lockWaitMs?: number
}

export class TransactionGatedAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider']
  readonly adapterName: string
  readonly getConnectionInfo?: SqlDriverAdapter['getConnectionInfo']
  private readonly gate = new Mutex()

  private readonly lockWaitMs: number
  private lockFirst = true

  constructor(
    private readonly inner: SqlDriverAdapter,
    options: GateOptions = {},
  ) {
    this.lockWaitMs = options.lockWaitMs ?? 0
    this.provider = inner.provider
    this.adapterName = inner.adapterName
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo!()
  }

  queryRaw(query: SqlQuery) {
    return this.untilUnlocked(() => this.outside(() => this.inner.queryRaw(query)))
  }

  executeRaw(query: SqlQuery) {
    return this.untilUnlocked(() => this.outside(() => this.inner.executeRaw(query)))
  }

  executeScript(script: string) {
    return this.outside(() => this.inner.executeScript(script))
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    if (this.lockWaitMs === 0 || !this.lockFirst) return this.begin(isolationLevel, false)
    try {
      return await this.untilUnlocked(() => this.begin(isolationLevel, true))
    } catch (err) {
      if (adapterCause(err)?.kind !== 'TableDoesNotExist') throw err
      // A database without the migrations table (not migrated the usual way): transactions as before.
      this.lockFirst = false
      return this.begin(isolationLevel, false)
    }
  }

  private async begin(isolationLevel: IsolationLevel | undefined, lockFirst: boolean): Promise<Transaction> {
    const release = await this.gate.acquire()
    let tx: Transaction | undefined
    try {
      tx = await this.inner.startTransaction(isolationLevel)
      if (lockFirst) await tx.executeRaw(TAKE_WRITE_LOCK)
      return gatedTransaction(tx, release)
    } catch (err) {
      if (tx) {
        // Nothing was done in it yet: end it, so that the next try starts afresh.
        await tx.executeRaw(ROLLBACK).catch(() => {})
        await tx.rollback().catch(() => {})
      }
      release()
      throw err
    }
  }

  /** Runs `attempt` again, after a growing pause, while the database says another process holds its lock. */
  private async untilUnlocked<T>(attempt: () => Promise<T>): Promise<T> {
    if (this.lockWaitMs === 0) return attempt()
    let deadline = 0
    let pause = FIRST_PAUSE_MS
    for (;;) {
      try {
        return await attempt()
      } catch (err) {
        if (!isTransientConflict(err)) throw err
        const now = performance.now()
        deadline ||= now + this.lockWaitMs
        if (now + pause > deadline) throw err
        await sleep(pause)
        pause = Math.min(pause * 2, MAX_PAUSE_MS)
      }
    }
  }

  dispose() {
    return this.outside(() => this.inner.dispose())
  }

  /** Runs `run` at once when no transaction is open, else once it has ended (a statement on the same connection but not through this adapter: sqlite-prepared.ts). */
  outside<T>(run: () => Promise<T>): Promise<T> {
    return this.gate.isLocked() ? this.gate.runExclusive(run) : run()
  }
}

/** The transaction as given, releasing the gate once it is committed or rolled back. */
function gatedTransaction(tx: Transaction, release: () => void): Transaction {
  let open = true
  const end = async (finish: () => Promise<void>) => {
    try {
      await finish()
    } finally {
      if (open) {
        open = false
        release()
      }
    }
  }
  return {
    provider: tx.provider,
    adapterName: tx.adapterName,
    options: tx.options,
    queryRaw: (query) => tx.queryRaw(query),
    executeRaw: (query) => tx.executeRaw(query),
    commit: () => end(() => tx.commit()),
    rollback: () => end(() => tx.rollback()),
    createSavepoint: tx.createSavepoint && ((name) => tx.createSavepoint!(name)),
    rollbackToSavepoint: tx.rollbackToSavepoint && ((name) => tx.rollbackToSavepoint!(name)),
    releaseSavepoint: tx.releaseSavepoint && ((name) => tx.releaseSavepoint!(name)),
  }
}
