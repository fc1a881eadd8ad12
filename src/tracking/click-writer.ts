// Group commit for clicks. A click is acknowledged (302) only once it is in the
// database, but a transaction per click would cap the redirector at a few percent
// of what the stack can do. So the clicks that arrive during one event-loop turn
// are queued and written together at the end of the turn (setImmediate), as one
// transaction with one multi-row INSERT (insertClickEvents), capped per batch;
// every request waits for its batch's commit. While a batch is being written,
// newly arrived clicks wait for the next batch, which makes batches grow with load.
// That next batch goes to the database as soon as its predecessor commits, before
// the predecessor's requests are answered: its clicks have waited a whole batch
// already, and writing the answers first made them wait for those too
// (PostgreSQL's redirect p99 25 → 13 ms in alternating rounds, 2026-12-02).
//
// Under load the event loop keeps turning while a batch is written (busy-polling,
// see keepTurning): on PostgreSQL the loop otherwise falls asleep in epoll while
// the batch is out and is woken by the answer, and on this kind of virtual
// machine each sleep and wake-up costs far more CPU than the turns it saves
// (redirect on PostgreSQL 7,098 → 9,641 req/s, faster in 5 of 6 alternating
// rounds; p99 17.7 → 14.0 ms; CPU 120.7 → 112.3 µs a click; 2026-12-03).
// Only a batch of busyPollMinRows clicks or more starts it, so a quiet server
// sleeps as before, and it stops after busyPollMaxMs (a hanging database must
// not cost a core).
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
import type { ClickEventRow } from '../db/hot/index.ts'
import { isTransientConflict, isUniqueViolation } from '../db/errors.ts'

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

export class ClickWriter {
  private rows: ClickEventRow[] = []
  private waiters: Waiter[] = []
  private scheduled = false
  private inFlight = new Set<Promise<void>>()
  /** Batches whose statement has not settled yet (inFlight also holds those still releasing their requests). */
  private writing = 0
  private readonly maxBatch: number
  private readonly maxInFlight: number
  private readonly ackTimeoutMs: number
  private readonly retryDelayMs: number
  private readonly maxRetryDelayMs: number
  private readonly transientRetryMs: number
  private readonly busyPollMinRows: number
  private readonly busyPollMaxMs: number
  private readonly maxQueued: number
  /** Batches still out after ackTimeoutMs: while any is, nobody waits for the database. */
  private stalledBatches = 0
  /** Clicks have been dropped since the last commit (only the first of a run is logged). */
  private overflowing = false
  private busyPollUntil = 0
  private busyPolling = false
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
    this.maxBatch = options.maxBatch ?? 400
    this.maxInFlight = options.maxInFlight ?? 1
    this.ackTimeoutMs = options.ackTimeoutMs ?? 2_000
    this.retryDelayMs = options.retryDelayMs ?? 25
    this.maxRetryDelayMs = options.maxRetryDelayMs ?? 1_000
    this.transientRetryMs = options.transientRetryMs ?? 60_000
    this.busyPollMinRows = options.busyPollMinRows ?? Infinity
    this.busyPollMaxMs = options.busyPollMaxMs ?? 50
    // ~0.5 kB a click: ~50 MB, and at 20,000 clicks/s about five seconds of a stall.
    this.maxQueued = options.maxQueued ?? 100_000
    this.logger = options.logger
    this.observer = options.observer
  }

  /** Queues a click; resolves true once committed, false if it could not be (or not in time). */
  record(row: ClickEventRow): Promise<boolean> {
    if (this.rows.length >= this.maxQueued) return Promise.resolve(this.overflow())
    if (this.stalledBatches > 0) {
      this.queue(row, undefined)
      this.stats.ackTimeouts++
      return Promise.resolve(false)
    }
    return new Promise<boolean>((resolve) => {
      this.queue(row, resolve)
    })
  }

  private queue(row: ClickEventRow, waiter: Waiter) {
    this.rows.push(row)
    this.waiters.push(waiter)
    if (!this.scheduled) {
      this.scheduled = true
      setImmediate(this.drain)
    }
  }

  private overflow(): false {
    this.stats.lostRows++
    this.observer?.lost(1)
    if (!this.overflowing)
      this.logger?.error({ queued: this.rows.length }, 'click queue full while the database is stalled: clicks are being lost')
    this.overflowing = true
    return false
  }

  /** Clicks queued but not yet handed to the database. */
  get queued(): number {
    return this.rows.length
  }

  /** Writes everything queued and waits for every batch (server stop: no acknowledged click is lost). */
  async flush(): Promise<void> {
    while (this.rows.length > 0 || this.inFlight.size > 0) {
      while (this.rows.length > 0) this.startBatch()
      await Promise.all(this.inFlight)
    }
  }

  private readonly drain = () => {
    this.scheduled = false
    while (this.rows.length > 0 && this.writing < this.maxInFlight) this.startBatch()
  }

  private startBatch() {
    const rows = this.rows.splice(0, this.maxBatch)
    if (rows.length >= this.busyPollMinRows) this.busyPoll()
    const waiters = this.waiters.splice(0, rows.length)
    const done = this.commit(rows, waiters).finally(() => {
      this.inFlight.delete(done)
      // Clicks that queued while this batch was written go next.
      if (this.rows.length > 0 && !this.scheduled) {
        this.scheduled = true
        setImmediate(this.drain)
      }
    })
    this.inFlight.add(done)
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

  /** An immediate per turn keeps libuv polling without blocking (epoll timeout 0) while a batch is written. */
  private busyPoll() {
    this.busyPollUntil = performance.now() + this.busyPollMaxMs
    if (this.busyPolling) return
    this.busyPolling = true
    setImmediate(this.keepTurning)
  }

  private readonly keepTurning = () => {
    if (this.writing > 0 && performance.now() < this.busyPollUntil) setImmediate(this.keepTurning)
    else this.busyPolling = false
  }

  private async commit(rows: ClickEventRow[], waiters: Waiter[]): Promise<void> {
    let released = false
    const release = (committed: boolean) => {
      if (released) return
      released = true
      for (const w of waiters) w?.(committed)
    }
    const started = performance.now()
    let stalled = false
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
      let last = first
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
    if (this.rows.length > 0 && this.writing < this.maxInFlight) this.startBatch()
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
