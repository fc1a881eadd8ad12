// The report grouped by the partners' own sub-id s1 (?groupBy=s1): clicks from
// the raw events, conversions by the s1 of the click they came from. No rollup
// holds s1 (its values are the partners', unbounded), so unlike the other
// groupings this one reads raw rows: its cost grows with the period's clicks and
// conversions, and days past click retention count nothing (their conversions
// fall under "Sans s1"). The other groupings, their figures and speed are untouched.
import type { Database } from '../db/client.ts'
import { clickCellsByS1 } from '../db/queries/analytics/clickCellsByS1.ts'
import { conversionCellsByS1 } from '../db/queries/analytics/conversionCellsByS1.ts'
import {
  addClicks,
  addConversions,
  emptyFigures,
  isEmpty,
  ratiosOf,
  sumFigures,
  type Figures,
  type Ratios,
  type ReportRow,
} from './metrics.ts'
import { endOf, type DayRange } from './range.ts'
import { sortRows, type Sort } from './sorting.ts'

/** The key of the clicks and conversions without s1 ("none" is a value a partner may use). */
export const NO_S1_KEY = ''
export const NO_S1_LABEL = 'Sans s1'

/** The rows and totals of the report by s1 over the days of `range` (report.ts wraps them). */
export async function s1ReportFigures(
  database: Pick<Database, 'prisma'>,
  range: Pick<DayRange, 'from' | 'to'>,
  sort: Sort,
): Promise<{ rows: ReportRow[]; totals: Figures & Ratios }> {
  const end = endOf(range)
  const [clicks, conversions] = await Promise.all([
    clickCellsByS1(database, range.from, end),
    conversionCellsByS1(database, range.from, end),
  ])
  const groups = new Map<string, Figures>()
  const figuresOf = (s1: string | null) => {
    const key = s1 ?? NO_S1_KEY
    let f = groups.get(key)
    if (!f) groups.set(key, (f = emptyFigures()))
    return f
  }
  for (const c of clicks) addClicks(figuresOf(c.s1), c.kind, c.count, c.uniqueCount)
  for (const c of conversions) addConversions(figuresOf(c.s1), c.status, c.entries, c.revenueCents)
  for (const [key, f] of groups) if (isEmpty(f)) groups.delete(key)
  const rows = [...groups].map(([key, f]): ReportRow => ({ key, label: key === NO_S1_KEY ? NO_S1_LABEL : key, ...f, ...ratiosOf(f) }))
  const totals = sumFigures(rows)
  return { rows: sortRows('s1', rows, sort), totals: { ...totals, ...ratiosOf(totals) } }
}
