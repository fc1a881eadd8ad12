// Prunes the postback log past POSTBACK_LOG_RETENTION_DAYS from a background
// timer (postbacks/log-retention.ts): a pass shortly after start, then every
// few minutes; small batches with pauses between them, never on a request's path.
import fp from 'fastify-plugin'
import { PostbackLogPruner, type PruneResult } from '../postbacks/log-retention.ts'

export const RETENTION_INTERVAL_MS = 10 * 60 * 1000
const FIRST_PASS_AFTER_MS = 60 * 1000

export interface PostbackLogRetention {
  /** Runs a pass now (or waits for the one under way). */
  runNow(now?: Date): Promise<PruneResult | null>
}

export default fp(
  async (app) => {
    const retentionDays = app.config.postbackLogRetentionDays
    if (retentionDays === 0) return
    const pruner = new PostbackLogPruner(app.database, { retentionDays })
    let running: Promise<PruneResult | null> | null = null
    let closing = false
    const pass = (now?: Date): Promise<PruneResult | null> => {
      running ??= pruner
        .prune(now, () => closing)
        .then((result) => {
          if (result.deleted > 0) app.log.info({ deleted: result.deleted, retentionDays }, 'postback log: old lines pruned')
          return result
        })
        .catch((err: unknown) => {
          app.log.warn({ err }, 'pruning the postback log failed (retried at the next pass)')
          return null
        })
        .finally(() => {
          running = null
        })
      return running
    }
    app.decorate('postbackLogRetention', { runNow: pass })
    let first: NodeJS.Timeout | undefined
    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      first = setTimeout(() => void pass(), FIRST_PASS_AFTER_MS)
      first.unref()
      timer = setInterval(() => void pass(), RETENTION_INTERVAL_MS)
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
  { name: 'postback-log-retention', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when POSTBACK_LOG_RETENTION_DAYS is not 0. */
    postbackLogRetention?: PostbackLogRetention
  }
}
