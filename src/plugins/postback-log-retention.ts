// Prunes the postback log past POSTBACK_LOG_RETENTION_DAYS from a background
// timer (postbacks/log-retention.ts): a pass shortly after start, then every
// few minutes; small batches with pauses between them, never on a request's path.
import fp from 'fastify-plugin'
import { PostbackLogPruner, type PruneResult } from '../postbacks/log-retention.ts'
import { backgroundPasses, type BackgroundPasses } from './background-passes.ts'

export const RETENTION_INTERVAL_MS = 10 * 60 * 1000

export type PostbackLogRetention = BackgroundPasses<PruneResult>

export default fp(
  async (app) => {
    const retentionDays = app.config.postbackLogRetentionDays
    if (retentionDays === 0) return
    const pruner = new PostbackLogPruner(app.database, { retentionDays })
    const passes = backgroundPasses(app, {
      run: (now, stopping) => pruner.prune(now, stopping),
      report: (result) => {
        if (result.deleted > 0) app.log.info({ deleted: result.deleted, retentionDays }, 'postback log: old lines pruned')
      },
      failure: 'pruning the postback log failed (retried at the next pass)',
      firstAfterMs: 60 * 1000,
      everyMs: RETENTION_INTERVAL_MS,
    })
    app.decorate('postbackLogRetention', passes)
  },
  { name: 'postback-log-retention', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when POSTBACK_LOG_RETENTION_DAYS is not 0. */
    postbackLogRetention?: PostbackLogRetention
  }
}
