// Retention of the raw click events (CLICK_RETENTION_DAYS): events of the UTC
// days older than the period are deleted a few hundred at a time, with a pause
// between batches, so the click batch statement (SQLite's one writer, or
// PostgreSQL's locks on the table) never waits long behind a delete. Whole days
// go: the cutoff is a UTC midnight. Reports and the dashboard stay exact over
// pruned days because they read the daily rollups, written by the very statement
// that wrote each event (db/hot/click-store.ts): an event that exists is counted.
// The same pass forgets the visitors (click_visitors) whose last click is a
// uniqueness window old: they can no longer make a click a repeat.
import type { Database } from '../db/client.ts'
import { deleteClickEventsBefore } from '../db/queries/click-retention.ts'
import { deleteClickVisitorsBefore } from '../db/queries/click-visitors.ts'
import { UNIQUE_WINDOW_MS } from '../db/hot/index.ts'
import { DAY_MS, dayStart } from '../time.ts'

export interface ClickPruneOptions {
  retentionDays: number
  /** Events deleted per statement. */
  batchSize?: number
  /** Pause between batches, for the redirector. */
  pauseMs?: number
}

export interface ClickPruneResult {
  deleted: number
  batches: number
  /** Events before this instant are gone (unless the pass was stopped). */
  cutoff: Date | null
  /** Visitors forgotten (last click a uniqueness window old). */
  visitorsDeleted: number
}

/** The first instant kept: UTC midnight `retentionDays` days before today's. */
export function clickRetentionCutoff(now: Date, retentionDays: number): Date {
  return new Date(dayStart(now).getTime() - retentionDays * DAY_MS)
}

export class ClickEventPruner {
  private readonly batchSize: number
  private readonly pauseMs: number

  constructor(
    private readonly database: Pick<Database, 'prisma'>,
    private readonly options: ClickPruneOptions,
  ) {
    this.batchSize = options.batchSize ?? 500
    this.pauseMs = options.pauseMs ?? 20
  }

  /** One pass: every event older than the period, both kinds, until none is left or `shouldStop`. */
  async prune(now: Date = new Date(), shouldStop: () => boolean = () => false): Promise<ClickPruneResult> {
    const result: ClickPruneResult = { deleted: 0, batches: 0, cutoff: null, visitorsDeleted: 0 }
    if (this.options.retentionDays <= 0) return result
    const forgetBefore = new Date(now.getTime() - UNIQUE_WINDOW_MS)
    while (!shouldStop()) {
      const deleted = await deleteClickVisitorsBefore(this.database, forgetBefore, this.batchSize)
      result.visitorsDeleted += deleted
      if (deleted < this.batchSize) break
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs))
    }
    const cutoff = clickRetentionCutoff(now, this.options.retentionDays)
    result.cutoff = cutoff
    for (const kind of ['click', 'bot'] as const) {
      while (!shouldStop()) {
        const deleted = await deleteClickEventsBefore(this.database, kind, cutoff, this.batchSize)
        result.deleted += deleted
        if (deleted > 0) result.batches++
        if (deleted < this.batchSize) break
        await new Promise((resolve) => setTimeout(resolve, this.pauseMs))
      }
    }
    return result
  }
}
