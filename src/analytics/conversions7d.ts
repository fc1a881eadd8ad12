// conv_7d and rev_7d: confirmed conversion entries created at ≥ now − 7 days,
// counted and summed in one indexed query (type, status, created_at).
import type { Db } from '../db/client.ts'
import { daysAgo, toNumber } from './window.ts'

export async function confirmedConversionsSince(db: Db, since: Date): Promise<{ count: number; cents: number }> {
  const rows = await db.$queryRaw<{ n: unknown; cents: unknown }[]>`
    SELECT COUNT(*) AS n, SUM(amount_cents) AS cents FROM wallet_entries
    WHERE type = 'conversion' AND status = 'confirmed' AND created_at >= ${since}`
  return { count: toNumber(rows[0]?.n), cents: toNumber(rows[0]?.cents) }
}

export function conversions7d(db: Db, now: Date) {
  return confirmedConversionsSince(db, daysAgo(now, 7))
}
