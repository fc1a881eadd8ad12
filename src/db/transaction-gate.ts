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
import { Mutex } from 'async-mutex'
import type { IsolationLevel, SqlDriverAdapter, SqlQuery, Transaction } from '@prisma/driver-adapter-utils'

export class TransactionGatedAdapter implements SqlDriverAdapter {
  readonly provider: SqlDriverAdapter['provider']
  readonly adapterName: string
  readonly getConnectionInfo?: SqlDriverAdapter['getConnectionInfo']
  private readonly gate = new Mutex()

  constructor(private readonly inner: SqlDriverAdapter) {
    this.provider = inner.provider
    this.adapterName = inner.adapterName
    if (inner.getConnectionInfo) this.getConnectionInfo = () => inner.getConnectionInfo!()
  }

  queryRaw(query: SqlQuery) {
    return this.outside(() => this.inner.queryRaw(query))
  }

  executeRaw(query: SqlQuery) {
    return this.outside(() => this.inner.executeRaw(query))
  }

  executeScript(script: string) {
    return this.outside(() => this.inner.executeScript(script))
  }

  async startTransaction(isolationLevel?: IsolationLevel): Promise<Transaction> {
    const release = await this.gate.acquire()
    try {
      return gatedTransaction(await this.inner.startTransaction(isolationLevel), release)
    } catch (err) {
      release()
      throw err
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
