// A fixed-window request counter per key (a source address), counted
// synchronously. @fastify/rate-limit's local store hands back its live counter
// and reads it after an await, so the requests of a burst that arrive in one
// event-loop turn all see the burst's total: 8 at once against a limit of 5 were
// all refused. Here each hit gets its own count at once.
export interface Hit {
  /** 0 within the limit; otherwise how far over it this hit is (1 = the first refused). */
  over: number
  /** Until the window ends. */
  retryAfterMs: number
}

export class RateWindow {
  private readonly windows = new Map<string, { start: number; count: number }>()

  constructor(
    readonly max: number,
    readonly windowMs: number,
    private readonly options: { maxKeys?: number; now?: () => number } = {},
  ) {}

  hit(key: string): Hit {
    const now = (this.options.now ?? Date.now)()
    let w = this.windows.get(key)
    if (!w || now - w.start >= this.windowMs) {
      // A new window: (re)inserted last, so the oldest windows are first to go.
      this.windows.delete(key)
      w = { start: now, count: 0 }
      this.windows.set(key, w)
      if (this.windows.size > (this.options.maxKeys ?? 10_000)) this.windows.delete(this.windows.keys().next().value as string)
    }
    w.count++
    return { over: Math.max(0, w.count - this.max), retryAfterMs: w.start + this.windowMs - now }
  }
}
