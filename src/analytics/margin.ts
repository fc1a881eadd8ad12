// "Marge 7j" (issue 31): what the networks paid minus what partners earned over
// the 7 days: the confirmed conversions created in the window (their revenue
// less their earnings), less the click earnings of the window's days (CPC terms;
// pending ones count, a day's clicks only grow until it closes). At the default
// terms (revshare 100 %) it is 0.
import type { Queryable } from '../db/queries/access.ts'
import { clickEarningsSince } from '../db/queries/click-earnings.ts'
import { daysAgo } from '../time.ts'
import { confirmedConversionsSince } from './conversions7d.ts'

export interface Margin {
  revenueCents: number
  earningsCents: number
  marginCents: number
}

export async function margin7d(db: Queryable, now: Date): Promise<Margin> {
  const since = daysAgo(now, 7)
  const [conversions, clicks] = await Promise.all([confirmedConversionsSince(db, since), clickEarningsSince(db, since)])
  const earningsCents = conversions.earningsCents + clicks
  return { revenueCents: conversions.cents, earningsCents, marginCents: conversions.cents - earningsCents }
}
