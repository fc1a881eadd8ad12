// Prunes raw click events past CLICK_RETENTION_DAYS from a background timer
// (tracking/click-retention.ts): a pass shortly after start, then every few
// minutes; small batches with pauses between them, never on a request's path.
import fp from 'fastify-plugin'
import { ClickEventPruner, type ClickPruneResult } from '../tracking/click-retention.ts'

export const CLICK_RETENTION_INTERVAL_MS = 10 * 60 * 1000
const FIRST_PASS_AFTER_MS = 2 * 60 * 1000

export interface ClickRetention {
  /** Runs a pass now (or waits for the one under way). */
  runNow(now?: Date): Promise<ClickPruneResult | null>
}

export default fp(
  async (app) => {
    const retentionDays = app.config.clickRetentionDays
    if (retentionDays === 0) return
    const pruner = new ClickEventPruner(app.database, { retentionDays })
    let running: Promise<ClickPruneResult | null> | null = null
    let closing = false
    const pass = (now?: Date): Promise<ClickPruneResult | null> => {
      running ??= pruner
        .prune(now, () => closing)
        .then((result) => {
          if (result.deleted > 0)
            app.log.info({ deleted: result.deleted, batches: result.batches, retentionDays }, 'click events: old events pruned')
          return result
        })
        .catch((err: unknown) => {
          app.log.warn({ err }, 'pruning old click events failed (retried at the next pass)')
          return null
        })
        .finally(() => {
          running = null
        })
      return running
    }
    app.decorate('clickRetention', { runNow: pass })
    let first: NodeJS.Timeout | undefined
    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      first = setTimeout(() => void pass(), FIRST_PASS_AFTER_MS)
      first.unref()
      timer = setInterval(() => void pass(), CLICK_RETENTION_INTERVAL_MS)
      timer.unref()
    })
    // Stop between batches, and let the batch under way finish before the database closes.
    app.addHook('preClose', async () => {
      closing = true
      clearTimeout(first)
      clearInterval(timer)
      await running
    })
  },
  { name: 'click-retention', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when CLICK_RETENTION_DAYS is not 0. */
    clickRetention?: ClickRetention
  }
}
