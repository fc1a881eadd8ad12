// Folds the ledger's pending daily deltas into ledger_daily every few seconds
// (PostgreSQL only: on SQLite the triggers write the totals directly). Readers
// are exact either way — they add the deltas — folding only keeps them few.
// The postback log's retention is background maintenance too: registered here.
import fp from 'fastify-plugin'
import { foldLedgerDeltas } from '../ledger/ledger-daily.ts'
import postbackLogRetention from './postback-log-retention.ts'

export const FOLD_INTERVAL_MS = 10_000

export default fp(
  async (app) => {
    await app.register(postbackLogRetention)
    if (app.database.provider !== 'postgresql') return
    let timer: NodeJS.Timeout | undefined
    let running = false
    const fold = async () => {
      if (running) return
      running = true
      try {
        await foldLedgerDeltas(app.database, 'postgresql')
      } catch (err) {
        app.log.warn({ err }, 'folding the ledger deltas failed (the totals stay exact; retried later)')
      } finally {
        running = false
      }
    }
    app.addHook('onReady', async () => {
      timer = setInterval(() => void fold(), FOLD_INTERVAL_MS)
      timer.unref()
    })
    app.addHook('preClose', async () => {
      clearInterval(timer)
    })
  },
  { name: 'ledger-maintenance', dependencies: ['database'] },
)
