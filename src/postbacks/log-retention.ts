// Retention of the postback log (POSTBACK_LOG_RETENTION_DAYS): lines older than
// the period are deleted a small batch at a time, with a pause between batches,
// so that the writer a request waits for (SQLite's one, or PostgreSQL's locks) is
// never held for long. Lines tied to a wallet entry (entry_id set: the entry's
// history points to them, or they answered for it) are kept: they are the
// entry's audit trail, and their number is that of authenticated postbacks.
//
// The pass walks the received_at index from a cursor kept between passes, so the
// kept lines are read once per process, not again on every pass.
import type { Database } from '../db/client.ts'
import { deleteUntiedPostbackLogs, oldPostbackLogPage } from '../db/queries/postback-logs.ts'
import { DAY_MS } from '../time.ts'

export interface PruneOptions {
  retentionDays: number
  /** Rows read (and at most deleted) per statement. */
  batchSize?: number
  /** Pause between batches, for the requests. */
  pauseMs?: number
}

export interface PruneResult {
  deleted: number
  batches: number
}

export class PostbackLogPruner {
  /** The last line examined, in (received_at, id) order: every line before it is deleted or kept. */
  private cursor: { atMs: number; id: number } | null = null
  private readonly batchSize: number
  private readonly pauseMs: number

  constructor(
    private readonly database: Pick<Database, 'sql' | 'provider'>,
    private readonly options: PruneOptions,
  ) {
    this.batchSize = options.batchSize ?? 200
    this.pauseMs = options.pauseMs ?? 10
  }

  /** One pass: every line older than the period, from where the last pass stopped. */
  async prune(now: Date = new Date(), shouldStop: () => boolean = () => false): Promise<PruneResult> {
    const result: PruneResult = { deleted: 0, batches: 0 }
    if (this.options.retentionDays <= 0) return result
    const cutoff = new Date(now.getTime() - this.options.retentionDays * DAY_MS)
    while (!shouldStop()) {
      const page = await oldPostbackLogPage(this.database.sql, this.database.provider, cutoff, this.cursor, this.batchSize)
      if (page.length === 0) break
      result.deleted += await deleteUntiedPostbackLogs(
        this.database.sql,
        this.database.provider,
        page.filter((l) => l.entryId === null).map((l) => l.id),
      )
      result.batches++
      const last = page[page.length - 1]!
      this.cursor = { atMs: last.atMs, id: last.id }
      if (page.length < this.batchSize) break
      await new Promise((resolve) => setTimeout(resolve, this.pauseMs))
    }
    return result
  }
}
