// conv_7d and rev_7d: confirmed conversion entries created at ≥ now − 7 days,
// counted and summed: whole UTC days from the ledger's daily totals, the partial
// first day from the entries (index on type, status, created_at, amount).
import type { DbWriter } from '../db/client.ts'
import { dailyTotal } from '../ledger/ledger-daily.ts'
import { toNumber } from '../db/sql.ts'
import { daysAgo } from '../time.ts'
import { rollupSplit } from './window.ts'

export async function confirmedConversionsSince(db: DbWriter, since: Date): Promise<{ count: number; cents: number }> {
  const split = rollupSplit(since)
  const [days, edge] = await Promise.all([
    dailyTotal(db, 'conversion', 'confirmed', split.firstFullDay),
    split.partial
      ? db.$queryRaw<{ n: unknown; cents: unknown }[]>`
          SELECT COUNT(*) AS n, SUM(amount_cents) AS cents FROM wallet_entries
          WHERE type = 'conversion' AND status = 'confirmed' AND created_at >= ${since} AND created_at < ${split.firstFullDay}`
      : Promise.resolve([]),
  ])
  return { count: days.entries + toNumber(edge[0]?.n), cents: days.cents + toNumber(edge[0]?.cents) }
}

export function conversions7d(db: DbWriter, now: Date) {
  return confirmedConversionsSince(db, daysAgo(now, 7))
}
