// Group commit for clicks (the loop: db/group-commit.ts). A click is acknowledged
// (302) only once it is in the database, but a transaction per click would cap the
// redirector at a few percent of what the stack can do. So the clicks of one
// event-loop turn are written together, as one multi-row INSERT
// (insertClickEvents); every request waits for its batch's commit. The next batch
// goes to the database as soon as its predecessor commits, before the
// predecessor's requests are answered: its clicks have waited a whole batch
// already, and writing the answers first made them wait for those too (a lower
// p99 on PostgreSQL). Busy-polling from busyPollMinRows clicks: on PostgreSQL the
// loop otherwise sleeps in epoll while the batch is out.
//
// A failed batch is logged and retried once; if the retry fails too the lost count
// is logged and the requests are released anyway: the visitor is redirected, never
// shown our fault. A batch the database refuses for now (a busy SQLite file while
// another process holds its write lock, a deadlock) is different: its requests are
// released at once, as in a stall (below), and it is retried with a growing pause
// (retryDelayMs doubling up to maxRetryDelayMs) for up to transientRetryMs, so that
// no click is lost to a lock and the event loop never waits for one. A request
// also stops waiting after ackTimeoutMs (a database that hangs must not hang the
// redirect); its batch keeps trying. Once a batch has been out that long the
// writer counts as stalled: the clicks queued behind it are released too, and new
// ones are answered at once, until that batch settles; their rows stay queued and
// are written when the database answers again. The queue is bounded (maxQueued):
// beyond it a click is counted lost and logged rather than let a long stall
// exhaust the server's memory.
import { isTransientConflict, isUniqueViolation } from '../db/errors.ts'
import { GroupCommit } from '../db/group-commit.ts'
import type { ClickEventRow } from '../db/hot/index.ts'

export interface ClickWriterLogger {
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

export interface ClickWriterOptions {
  /** Rows per batch (one multi-row statement). */
  maxBatch?: number
  /** Batches written at once: 1 suits SQLite (one writer); PostgreSQL can overlap a few. */
  maxInFlight?: number
  /** How long a request waits for its batch before redirecting anyway. */
  ackTimeoutMs?: number
  /**
   * While a batch of at least this many clicks is being written, keep the event
   * loop turning instead of sleeping until the database answers (default: never).
   */
  busyPollMinRows?: number
  /** Longest busy-poll for one batch; after that the loop sleeps until the answer. */
  busyPollMaxMs?: number
  /** Pause before the one retry of a failed batch. */
  retryDelayMs?: number
  /** Longest pause between retries of a batch the database refused for now (busy, deadlock). */
  maxRetryDelayMs?: number
  /** How long such a batch keeps being retried before its clicks count as lost. */
  transientRetryMs?: number
  /** Clicks kept in memory while the database is stalled; beyond this a click is counted lost. */
  maxQueued?: number
  logger?: ClickWriterLogger
  /** Told about every batch (metrics). */
  observer?: ClickWriterObserver
}

export interface ClickWriterObserver {
  committed(rows: readonly ClickEventRow[], seconds: number): void
  failedAttempt(): void
  lost(count: number): void
}

export interface ClickWriterStats {
  batches: number
  rows: number
  maxBatchRows: number
  failedAttempts: number
  lostRows: number
  ackTimeouts: number
  lastFlushMs: number
}

type Release = (committed: boolean) => void
/** A queued click's request, or undefined once it has been answered without waiting (stall). */
type Waiter = Release | undefined

export class ClickWriter extends GroupCommit<ClickEventRow, Release> {
  private readonly ackTimeoutMs: number
  private readonly retryDelayMs: number
  private readonly maxRetryDelayMs: number
  private readonly transientRetryMs: number
  private readonly maxQueued: number
  /** Batches still out after ackTimeoutMs: while any is, nobody waits for the database. */
  private stalledBatches = 0
  /** Clicks have been dropped since the last commit (only the first of a run is logged). */
  private overflowing = false
  private readonly logger: ClickWriterLogger | undefined
  private readonly observer: ClickWriterObserver | undefined
  readonly stats: ClickWriterStats = {
    batches: 0,
    rows: 0,
    maxBatchRows: 0,
    failedAttempts: 0,
    lostRows: 0,
    ackTimeouts: 0,
    lastFlushMs: 0,
  }

  constructor(
    private readonly write: (rows: ClickEventRow[]) => Promise<void>,
    options: ClickWriterOptions = {},
  ) {
    super({
      maxBatch: options.maxBatch ?? 400,
      maxInFlight: options.maxInFlight ?? 1,
      busyPollMinItems: options.busyPollMinRows,
      busyPollMaxMs: options.busyPollMaxMs,
    })
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2_000
    this.retryDelayMs = options.retryDelayMs ?? 25
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 1_000
    this.transientRetryMs = options.transientRetryMs ?? 60_000
    // ~0.5 kB a click: ~50 MB, and at 20,000 clicks/s about five seconds of a stall.
    this.maxQueued = options.maxQueued ?? 100_000
    this.logger = options.logger
    this.observer = options.observer
  }

  /** Queues a click; resolves true once committed, false if it could not be (or not in time). */
  record(row: ClickEventRow): Promise<boolean> {
    if (this.items.length >= this.maxQueued) return Promise.resolve(this.overflow())
    if (this.stalledBatches > 0) {
      this.enqueue(row, undefined)
      this.stats.ackTimeouts++
      return Promise.resolve(false)
    }
    return new Promise<boolean>((resolve) => {
      this.enqueue(row, resolve)
    })
  }

  private overflow(): false {
    this.stats.lostRows++
    this.observer?.lost(1)
    if (!this.overflowing)
      this.logger?.error({ queued: this.items.length }, 'click queue full while the database is stalled: clicks are being lost')
    this.overflowing = true
    return false
  }

  /** One more try of a batch: null once committed, else what the database said. */
  private async attempt(rows: ClickEventRow[]): Promise<unknown> {
    try {
      await this.write(rows)
      return null
    } catch (err) {
      this.stats.failedAttempts++
      this.observer?.failedAttempt()
      return err
    }
  }

  /** Retries with a doubling pause (the loop is free meanwhile) while the database refuses for now. */
  private async retryWhileTransient(rows: ClickEventRow[], started: number): Promise<unknown> {
    let pause = this.retryDelayMs
    for (;;) {
      await new Promise((r) => setTimeout(r, pause))
      const err = await this.attempt(rows)
      if (err === null || !isTransientConflict(err) || performance.now() - started >= this.transientRetryMs) return err
      pause = Math.min(pause * 2, this.maxRetryDelayMs)
    }
  }

  /** Answers every queued request now (false); their rows stay queued. Returns how many. */
  private releaseQueued(): number {
    let n = 0
    for (let i = 0; i < this.waiters.length; i++) {
      const w = this.waiters[i]
      if (!w) continue
      this.waiters[i] = undefined
      w(false)
      n++
    }
    return n
  }

  protected async commit(rows: ClickEventRow[], waiters: Waiter[]): Promise<void> {
    let released = false
    const release = (committed: boolean) => {
      if (released) return
      released = true
      for (const w of waiters) w?.(committed)
    }
    const started = performance.now()
    // Set by stall(), which the timer may call while the write is out.
    let stalled = false as boolean
    /** Nobody waits for this batch any more, nor for those queued behind it, until it settles. */
    const stall = (why: string, err?: unknown) => {
      if (stalled) return
      stalled = true
      this.stalledBatches++
      const behind = this.releaseQueued()
      // Clicks that came during an earlier stall were answered (and counted) already.
      let waiting = 0
      for (const w of waiters) if (w) waiting++
      this.stats.ackTimeouts += waiting + behind
      this.logger?.warn({ err, rows: rows.length, queued: behind, waitedMs: Math.round(performance.now() - started) }, why)
      release(false)
    }
    const timer = setTimeout(() => {
      stall('click batch slow: redirecting before its commit')
    }, this.ackTimeoutMs)
    let committed = false
    this.writing++
    try {
      await this.write(rows)
      committed = true
    } catch (first) {
      this.stats.failedAttempts++
      this.observer?.failedAttempt()
      let last: unknown
      if (isTransientConflict(first)) {
        stall('database busy: redirecting now, retrying the click batch in the background', first)
        last = await this.retryWhileTransient(rows, started)
      } else {
        this.logger?.warn({ err: first, rows: rows.length }, 'click batch failed: retrying once')
        await new Promise((r) => setTimeout(r, this.retryDelayMs))
        last = await this.attempt(rows)
      }
      // The batch is one transaction: a duplicate click id on a retry means an
      // earlier attempt did commit (its answer was lost), not that clicks are missing.
      if (last === null || isUniqueViolation(last)) committed = true
      else {
        this.stats.lostRows += rows.length
        this.observer?.lost(rows.length)
        this.logger?.error({ err: last, lost: rows.length }, 'click batch lost after retry')
      }
    } finally {
      clearTimeout(timer)
      if (stalled) this.stalledBatches--
      this.writing--
    }
    if (this.items.length > 0 && this.writing < this.maxInFlight) this.startBatch()
    this.stats.lastFlushMs = performance.now() - started
    if (committed) {
      this.overflowing = false
      this.observer?.committed(rows, this.stats.lastFlushMs / 1000)
      this.stats.batches++
      this.stats.rows += rows.length
      if (rows.length > this.stats.maxBatchRows) this.stats.maxBatchRows = rows.length
    }
    release(committed)
  }
}
