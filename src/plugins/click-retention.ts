// Prunes raw click events past CLICK_RETENTION_DAYS from a background timer
// (tracking/click-retention.ts): a pass shortly after start, then every few
// minutes; small batches with pauses between them, never on a request's path.
import fp from 'fastify-plugin'
import { ClickEventPruner, type ClickPruneResult } from '../tracking/click-retention.ts'
import { backgroundPasses, type BackgroundPasses } from './background-passes.ts'

export const CLICK_RETENTION_INTERVAL_MS = 10 * 60 * 1000

export type ClickRetention = BackgroundPasses<ClickPruneResult>

export default fp(
  async (app) => {
    const retentionDays = app.config.clickRetentionDays
    if (retentionDays === 0) return
    const pruner = new ClickEventPruner(app.database, { retentionDays })
    const passes = backgroundPasses(app, {
      run: (now, stopping) => pruner.prune(now, stopping),
      report: (result) => {
        if (result.deleted > 0)
          app.log.info({ deleted: result.deleted, batches: result.batches, retentionDays }, 'click events: old events pruned')
      },
      failure: 'pruning old click events failed (retried at the next pass)',
      firstAfterMs: 2 * 60 * 1000,
      everyMs: CLICK_RETENTION_INTERVAL_MS,
    })
    app.decorate('clickRetention', passes)
  },
  { name: 'click-retention', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    /** Set when CLICK_RETENTION_DAYS is not 0. */
    clickRetention?: ClickRetention
  }
}
