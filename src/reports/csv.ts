// A report as CSV: the same rows, order and totals as its JSON, English headers,
// amounts in cents and in EUR with a dot (RFC 4180, CRLF, UTF-8 with a BOM, cells
// guarded against formulas: payouts/csv.ts).
import { csvCell } from '../payouts/csv.ts'
import type { Report } from './report.ts'
import type { Figures, Ratios } from './metrics.ts'

export const REPORT_CSV_HEADER = [
  'group_by',
  'key',
  'label',
  'clicks',
  'unique_clicks',
  'bot_clicks',
  'conversions_pending',
  'conversions_confirmed',
  'conversions_rejected',
  'conversions_reversed',
  'revenue_cents',
  'revenue_eur',
  'epc_eur',
  'conversion_rate',
]

export const BOM = '\ufeff'

export function csvLine(values: readonly (string | number | null)[]): string {
  return `${values.map(csvCell).join(',')}\r\n`
}

export function centsToEur(cents: number): string {
  return `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`
}

function figureCells(f: Figures & Ratios): (string | number)[] {
  return [
    f.clicks,
    f.uniqueClicks,
    f.botClicks,
    f.conversions.pending,
    f.conversions.confirmed,
    f.conversions.rejected,
    f.conversions.reversed,
    f.revenueCents,
    centsToEur(f.revenueCents),
    f.epc.toFixed(3),
    f.conversionRate.toFixed(6),
  ]
}

/** The rows in the report's order, then a `total` line. */
export function reportCsv(report: Report): string {
  const lines = [csvLine(REPORT_CSV_HEADER)]
  for (const r of report.rows) lines.push(csvLine([report.groupBy, r.key, r.label, ...figureCells(r)]))
  lines.push(csvLine([report.groupBy, 'total', 'Total', ...figureCells(report.totals)]))
  return BOM + lines.join('')
}

export function reportFileName(report: Pick<Report, 'groupBy' | 'from' | 'to'>): string {
  return `report-${report.groupBy}-${report.from}-${report.to}.csv`
}
