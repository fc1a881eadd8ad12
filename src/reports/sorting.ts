// The columns a report sorts by (?sort=&dir=), and the order itself: the chosen
// column, then the group's label so that equal figures keep a stable order.
import type { GroupBy } from './grouping.ts'
import type { ReportRow } from './metrics.ts'

export const SORT_COLUMNS = [
  'key',
  'clicks',
  'unique',
  'bots',
  'pending',
  'confirmed',
  'rejected',
  'reversed',
  'revenue',
  'epc',
  'rate',
] as const
export type SortColumn = (typeof SORT_COLUMNS)[number]
export type SortDir = 'asc' | 'desc'

export interface Sort {
  column: SortColumn
  dir: SortDir
}

export function isSortColumn(value: string): value is SortColumn {
  return (SORT_COLUMNS as readonly string[]).includes(value)
}

/** By day: the calendar; otherwise the biggest revenue first. */
export function defaultSort(groupBy: GroupBy): Sort {
  return groupBy === 'day' ? { column: 'key', dir: 'asc' } : { column: 'revenue', dir: 'desc' }
}

/** The sort asked for, or the grouping's default for what is missing or unknown. */
export function parseSort(groupBy: GroupBy, column: string | undefined, dir: string | undefined): Sort {
  const fallback = defaultSort(groupBy)
  const c = column !== undefined && isSortColumn(column) ? column : fallback.column
  const d = dir === 'asc' || dir === 'desc' ? dir : c === fallback.column ? fallback.dir : c === 'key' ? 'asc' : 'desc'
  return { column: c, dir: d }
}

function valueOf(row: ReportRow, column: Exclude<SortColumn, 'key'>): number {
  switch (column) {
    case 'clicks':
      return row.clicks
    case 'unique':
      return row.uniqueClicks
    case 'bots':
      return row.botClicks
    case 'pending':
    case 'confirmed':
    case 'rejected':
    case 'reversed':
      return row.conversions[column]
    case 'revenue':
      return row.revenueCents
    case 'epc':
      return row.epc
    case 'rate':
      return row.conversionRate
  }
}

const collator = new Intl.Collator('fr', { numeric: true, sensitivity: 'base' })

function byLabel(groupBy: GroupBy, a: ReportRow, b: ReportRow): number {
  // Days sort by their ISO key (the label is dd/mm/yyyy); the group of "none" last.
  if (groupBy === 'day') return a.key < b.key ? -1 : a.key > b.key ? 1 : 0
  return collator.compare(a.label, b.label) || collator.compare(a.key, b.key)
}

export function sortRows(groupBy: GroupBy, rows: readonly ReportRow[], sort: Sort): ReportRow[] {
  const sign = sort.dir === 'asc' ? 1 : -1
  return [...rows].sort((a, b) => {
    if (sort.column === 'key') return sign * byLabel(groupBy, a, b)
    const d = valueOf(a, sort.column) - valueOf(b, sort.column)
    return d !== 0 ? sign * d : byLabel(groupBy, a, b)
  })
}
