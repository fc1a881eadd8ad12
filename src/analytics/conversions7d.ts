// conv_7d and rev_7d: confirmed conversion entries created at ≥ now − 7 days,
// counted and summed: whole UTC days from the ledger's daily totals, the partial
// first day from the entries (index on type, status, created_at, amount). `cents`
// is the revenue (what the networks pay, rev_7d); `earningsCents` what partners earn.
import type { Queryable } from '../db/queries/access.ts'
import { confirmedConversionsBetween } from '../ledger/figures.ts'
import { dailyTotal } from '../ledger/ledger-daily.ts'
import { daysAgo } from '../time.ts'
import { rollupSplit } from './window.ts'

export async function confirmedConversionsSince(
  db: Queryable,
  since: Date,
): Promise<{ count: number; cents: number; earningsCents: number }> {
  const split = rollupSplit(since)
  const [days, edge] = await Promise.all([
    dailyTotal(db, 'conversion', 'confirmed', split.firstFullDay),
    split.partial ? confirmedConversionsBetween(db, since, split.firstFullDay) : Promise.resolve({ count: 0, cents: 0, revenueCents: 0 }),
  ])
  return { count: days.entries + edge.count, cents: days.revenueCents + edge.revenueCents, earningsCents: days.cents + edge.cents }
}

export function conversions7d(db: Queryable, now: Date) {
  return confirmedConversionsSince(db, daysAgo(now, 7))
}
