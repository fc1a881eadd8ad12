// Group commit, generalised: items submitted during one event-loop turn are
// handed to `run` together at the end of the turn (setImmediate), capped per
// batch; while batches are being written (up to maxInFlight at once), new items
// wait for the next one, so batches grow with load and a quiet server answers at
// once. `run` returns one output per item, or an Error for an item that failed.
export interface TurnBatcherOptions {
  maxBatch?: number
  maxInFlight?: number
}

interface Pending<I, O> {
  item: I
  resolve: (o: O) => void
  reject: (e: unknown) => void
}

export class TurnBatcher<I, O> {
  private queue: Pending<I, O>[] = []
  private scheduled = false
  private readonly inFlight = new Set<Promise<void>>()
  private readonly maxBatch: number
  private readonly maxInFlight: number
  readonly stats = { batches: 0, items: 0, maxBatchItems: 0 }

  constructor(
    private readonly run: (items: I[]) => Promise<Array<O | Error>>,
    options: TurnBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 200
    this.maxInFlight = options.maxInFlight ?? 1
  }

  submit(item: I): Promise<O> {
    return new Promise<O>((resolve, reject) => {
      this.queue.push({ item, resolve, reject })
      this.schedule()
    })
  }

  /** Runs everything queued and waits for it (server stop). */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0) {
      while (this.queue.length > 0) this.start()
      await Promise.all(this.inFlight)
    }
  }

  private schedule() {
    if (this.scheduled) return
    this.scheduled = true
    setImmediate(this.drain)
  }

  private readonly drain = () => {
    this.scheduled = false
    while (this.queue.length > 0 && this.inFlight.size < this.maxInFlight) this.start()
  }

  private start() {
    const batch = this.queue.splice(0, this.maxBatch)
    this.stats.batches++
    this.stats.items += batch.length
    if (batch.length > this.stats.maxBatchItems) this.stats.maxBatchItems = batch.length
    const done = this.execute(batch).finally(() => {
      this.inFlight.delete(done)
      if (this.queue.length > 0) this.schedule()
    })
    this.inFlight.add(done)
  }

  private async execute(batch: Pending<I, O>[]) {
    let outputs: Array<O | Error>
    try {
      outputs = await this.run(batch.map((p) => p.item))
    } catch (err) {
      for (const p of batch) p.reject(err)
      return
    }
    batch.forEach((p, i) => {
      const o = outputs[i]
      if (o instanceof Error) p.reject(o)
      else p.resolve(o as O)
    })
  }
}
