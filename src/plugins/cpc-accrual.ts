// CPC earnings accrue from a background timer (terms/cpc-accrual.ts): a pass
// shortly after start, then every few minutes, never on a request's path. Each
// pass is idempotent, so several instances may run it at once.
import fp from 'fastify-plugin'
import { accrueCpcEarnings, type AccrualResult } from '../terms/cpc-accrual.ts'
import { backgroundPasses, type BackgroundPasses } from './background-passes.ts'

export const CPC_ACCRUAL_INTERVAL_MS = 5 * 60 * 1000

export type CpcAccrual = BackgroundPasses<AccrualResult>

export default fp(
  async (app) => {
    const passes = backgroundPasses(app, {
      run: (now) => accrueCpcEarnings(app.database, { capCents: app.config.cpcDailyCapCents }, now),
      report: (result) => {
        if (result.written > 0) app.log.info({ written: result.written }, 'cpc earnings: entries written')
      },
      failure: 'cpc earnings accrual failed (retried at the next pass)',
      firstAfterMs: 60 * 1000,
      everyMs: CPC_ACCRUAL_INTERVAL_MS,
    })
    app.decorate('cpcAccrual', passes)
  },
  { name: 'cpc-accrual', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    cpcAccrual: CpcAccrual
  }
}
