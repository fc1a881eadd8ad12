// summary() timed over a filled database, and checked against the sketch's
// naive queries at the same instant: a fast answer that is wrong fails the bench.
import type { Config } from '../../src/config.ts'
import type { Db } from '../../src/db/client.ts'
import { summary } from '../../src/analytics/summary.ts'
import { naiveFigures, type NaiveFigures } from './naive-summary.ts'

export interface SummaryTiming {
  p50Ms: number
  matchesNaive: boolean
  naiveDetail: string
}

const cents = (eur: number) => Math.round(eur * 100)

export async function measureSummary(db: Db, config: Config, iterations: number): Promise<SummaryTiming> {
  // One fixed instant for both, so the windows are the same to the millisecond.
  const now = new Date()
  const fast = await summary(db, config, { now })
  const naive = await naiveFigures(db, now)
  const got: NaiveFigures = {
    clicks_7d: fast.clicks_7d,
    conv_7d: fast.conv_7d,
    rev_7d_cents: cents(fast.rev_7d),
    partners_active: fast.partners_active,
    postbacks_24h: fast.postbacks_24h,
    paid_cents: cents(fast.paid),
  }
  const diffs = (Object.keys(naive) as (keyof NaiveFigures)[])
    .filter((k) => got[k] !== naive[k])
    .map((k) => `${k}: summary ${got[k]} vs naive ${naive[k]}`)

  const times: number[] = []
  for (let i = 0; i < iterations; i++) {
    const t = process.hrtime.bigint()
    await summary(db, config)
    times.push(Number(process.hrtime.bigint() - t) / 1e6)
  }
  times.sort((a, b) => a - b)
  return {
    p50Ms: times[Math.floor(times.length / 2)]!,
    matchesNaive: diffs.length === 0,
    naiveDetail: diffs.length
      ? diffs.join('; ')
      : `clicks_7d ${naive.clicks_7d}, partners_active ${naive.partners_active}, conv_7d ${naive.conv_7d}`,
  }
}
