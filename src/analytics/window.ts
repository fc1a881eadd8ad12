// Time windows of the monitoring figures. "7 days" is now − 7×24 h exactly, as in
// the sketch (daysAgo, src/time.ts); the daily rollup is keyed by UTC midnight.
import { DAY_MS, dayStart } from '../time.ts'

/**
 * How a window [since, ∞) splits for the rollup: the partial UTC day
 * [edgeDay, firstFullDay) read from the raw events, and every day from
 * firstFullDay on read from the rollup (written with the events it counts, so it
 * is exact up to the last committed click, future-dated ones included, like the
 * sketch's query). `partial` is false when `since` falls on a midnight.
 */
export interface RollupSplit {
  since: Date
  edgeDay: Date
  firstFullDay: Date
  partial: boolean
}

export function rollupSplit(since: Date): RollupSplit {
  const edgeDay = dayStart(since)
  const partial = edgeDay.getTime() !== since.getTime()
  return { since, edgeDay, firstFullDay: partial ? new Date(edgeDay.getTime() + DAY_MS) : edgeDay, partial }
}

/**
 * An exact count of what happened at ts ≥ since, from a per-day total (`fromDay`:
 * everything on days ≥ a midnight) and a raw count (`between`: [from, to)). Only
 * the smaller half of the partial first day is counted raw: the tail from
 * `since` to the next midnight, or the head from midnight to `since` subtracted
 * from that day's total.
 */
export async function countSince(
  since: Date,
  fromDay: (day: Date) => Promise<number>,
  between: (from: Date, to: Date) => Promise<number>,
): Promise<number> {
  const split = rollupSplit(since)
  if (!split.partial) return fromDay(since)
  if (since.getTime() - split.edgeDay.getTime() >= DAY_MS / 2) {
    const [tail, rest] = await Promise.all([between(since, split.firstFullDay), fromDay(split.firstFullDay)])
    return tail + rest
  }
  const [fromEdge, head] = await Promise.all([fromDay(split.edgeDay), between(split.edgeDay, since)])
  return fromEdge - head
}
