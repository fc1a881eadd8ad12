// Group commit, the one batching loop of the hot paths (clicks: tracking/click-writer.ts;
// postbacks: TurnBatcher below). Items submitted during one event-loop turn are
// handed to the database together at the end of the turn (setImmediate), capped
// per batch; while batches are being written (up to maxInFlight at once), new items
// wait for the next one, so batches grow with load and a quiet server answers at
// once. The queue and its waiters, the turn scheduling, the in-flight cap, flush
// and busy-polling live here; what a batch's commit does (retries, timeouts, what
// each waiter is told) is the subclass's.
//
// Busy-polling: while a batch of at least busyPollMinItems is written, an
// immediate per turn keeps libuv polling without blocking (epoll timeout 0)
// instead of sleeping until the database answers: on a virtual machine each sleep
// and wake-up costs more CPU than the turns it saves. It stops after busyPollMaxMs
// (a hanging database must not cost a core); a quiet server sleeps as before.

export interface GroupCommitOptions {
  /** Items per batch. */
  maxBatch: number
  /** Batches written at once. */
  maxInFlight: number
  /** Busy-poll while a batch of at least this many items is written (default: never). */
  busyPollMinItems?: number
  /** Longest busy-poll for one batch; after that the loop sleeps until the answer. */
  busyPollMaxMs?: number
}

export abstract class GroupCommit<I, W> {
  /** Items queued, not yet handed to the database, and their waiters (undefined: answered already). */
  protected items: I[] = []
  protected waiters: (W | undefined)[] = []
  /** Batches whose write has not settled yet (a batch is in flight until its waiters are told, too). */
  protected writing = 0
  protected readonly maxBatch: number
  protected readonly maxInFlight: number
  private readonly busyPollMinItems: number
  private readonly busyPollMaxMs: number
  private scheduled = false
  private readonly inFlight = new Set<Promise<void>>()
  private busyPollUntil = 0
  private busyPolling = false

  constructor(options: GroupCommitOptions) {
    this.maxBatch = options.maxBatch
    this.maxInFlight = options.maxInFlight
    this.busyPollMinItems = options.busyPollMinItems ?? Infinity
    this.busyPollMaxMs = options.busyPollMaxMs ?? 50
  }

  /** Writes one batch and tells its waiters; must count its write in `writing`. */
  protected abstract commit(items: I[], waiters: (W | undefined)[]): Promise<void>

  /** Items queued but not yet handed to the database. */
  get queued(): number {
    return this.items.length
  }

  /** Writes everything queued and waits for every batch (server stop: nothing acknowledged is lost). */
  async flush(): Promise<void> {
    while (this.items.length > 0 || this.inFlight.size > 0) {
      while (this.items.length > 0) this.startBatch()
      await Promise.all(this.inFlight)
    }
  }

  protected enqueue(item: I, waiter: W | undefined) {
    this.items.push(item)
    this.waiters.push(waiter)
    this.schedule()
  }

  /** Hands the next batch to the database now. */
  protected startBatch() {
    const items = this.items.splice(0, this.maxBatch)
    if (items.length >= this.busyPollMinItems) this.busyPoll()
    const waiters = this.waiters.splice(0, items.length)
    const done = this.commit(items, waiters).finally(() => {
      this.inFlight.delete(done)
      // Items that queued while this batch was written go next.
      if (this.items.length > 0) this.schedule()
    })
    this.inFlight.add(done)
  }

  private schedule() {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(this.drain)
  }

  private readonly drain = () => {
    this.scheduled = false
    while (this.items.length > 0 && this.writing < this.maxInFlight) this.startBatch()
  }

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
}

export interface TurnBatcherOptions {
  maxBatch?: number
  maxInFlight?: number
}

interface Settle<O> {
  resolve: (o: O) => void
  reject: (e: unknown) => void
}

/**
 * Group commit with one output per item: `run` returns an output, or an Error for
 * an item that failed; if `run` throws, every item of its batch fails with it.
 */
export class TurnBatcher<I, O> extends GroupCommit<I, Settle<O>> {
  readonly stats = { batches: 0, items: 0, maxBatchItems: 0 }

  constructor(
    private readonly run: (items: I[]) => Promise<(O | Error)[]>,
    options: TurnBatcherOptions = {},
  ) {
    super({ maxBatch: options.maxBatch ?? 200, maxInFlight: options.maxInFlight ?? 1 })
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.enqueue(item, { resolve, reject })
    })
  }

  protected async commit(items: I[], waiters: (Settle<O> | undefined)[]): Promise<void> {
    this.stats.batches++
    this.stats.items += items.length
    if (items.length > this.stats.maxBatchItems) this.stats.maxBatchItems = items.length
    let outputs: (O | Error)[]
    this.writing++
    try {
      outputs = await this.run(items)
    } catch (err) {
      for (const w of waiters) w?.reject(err)
      return
    } finally {
      this.writing--
    }
    waiters.forEach((w, i) => {
      const o = outputs[i]
      if (o instanceof Error) w?.reject(o)
      else w?.resolve(o as O)
    })
  }
}
