// CPC earnings accrue from a background timer (terms/cpc-accrual.ts): a pass
// shortly after start, then every few minutes, never on a request's path. Each
// pass is idempotent, so several instances may run it at once.
import fp from 'fastify-plugin'
import { accrueCpcEarnings, type AccrualResult } from '../terms/cpc-accrual.ts'

export const CPC_ACCRUAL_INTERVAL_MS = 5 * 60 * 1000
const FIRST_PASS_AFTER_MS = 60 * 1000

export interface CpcAccrual {
  /** Runs a pass now (or waits for the one under way). */
  runNow(now?: Date): Promise<AccrualResult | null>
}

export default fp(
  async (app) => {
    let running: Promise<AccrualResult | null> | null = null
    const pass = (now?: Date): Promise<AccrualResult | null> => {
      running ??= accrueCpcEarnings(app.database, { capCents: app.config.cpcDailyCapCents }, now)
        .then((result) => {
          if (result.written > 0) app.log.info({ written: result.written }, 'cpc earnings: entries written')
          return result
        })
        .catch((err: unknown) => {
          app.log.warn({ err }, 'cpc earnings accrual failed (retried at the next pass)')
          return null
        })
        .finally(() => {
          running = null
        })
      return running
    }
    app.decorate('cpcAccrual', { runNow: pass })
    let first: NodeJS.Timeout | undefined
    let timer: NodeJS.Timeout | undefined
    app.addHook('onReady', async () => {
      first = setTimeout(() => void pass(), FIRST_PASS_AFTER_MS)
      first.unref()
      timer = setInterval(() => void pass(), CPC_ACCRUAL_INTERVAL_MS)
      timer.unref()
    })
    // Let the pass under way finish before the database closes.
    app.addHook('preClose', async () => {
      clearTimeout(first)
      clearInterval(timer)
      await running
    })
  },
  { name: 'cpc-accrual', dependencies: ['database'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    cpcAccrual: CpcAccrual
  }
}
