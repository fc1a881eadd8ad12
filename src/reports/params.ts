// A report's query string (?groupBy=&range=&from=&to=&sort=&dir=), read the same
// way by the page, its CSV and the JSON API: what to group by and over which
// days, or why not, in French for the page and in English for the API.
import { isGroupBy, type GroupBy } from './grouping.ts'
import { parseRange, type DayRange, type RangeRefusal } from './range.ts'
import { parseSort, type Sort } from './sorting.ts'

export interface ReportParams {
  groupBy: GroupBy
  range: DayRange
  sort: Sort
}

/** What was typed, as text (a value sent twice, or not as text, counts as absent). */
export interface RawReportParams {
  groupBy: string
  range: string
  from: string
  to: string
  sort: string
  dir: string
}

export type ParamsResult =
  { ok: true; params: ReportParams; raw: RawReportParams } | { ok: false; refusal: RangeRefusal; raw: RawReportParams }

const text = (query: unknown, name: string): string => {
  const v = query !== null && typeof query === 'object' ? (query as Record<string, unknown>)[name] : undefined
  return typeof v === 'string' ? v.slice(0, 100) : ''
}

export function rawParams(query: unknown): RawReportParams {
  return {
    groupBy: text(query, 'groupBy'),
    range: text(query, 'range'),
    from: text(query, 'from'),
    to: text(query, 'to'),
    sort: text(query, 'sort'),
    dir: text(query, 'dir'),
  }
}

export function parseReportParams(query: unknown, now: Date, defaultGroupBy: GroupBy = 'day'): ParamsResult {
  const raw = rawParams(query)
  const groupBy = raw.groupBy.trim() === '' ? defaultGroupBy : raw.groupBy.trim()
  if (!isGroupBy(groupBy))
    return {
      ok: false,
      raw,
      refusal: {
        fr: `regroupement inconnu : « ${groupBy.slice(0, 40)} »`,
        en: `unknown groupBy "${groupBy.slice(0, 40)}" (day, partner, offer, network, subid, s1)`,
      },
    }
  const range = parseRange(raw, now)
  if (!range.ok) return { ok: false, raw, refusal: range.refusal }
  return { ok: true, raw, params: { groupBy, range: range.range, sort: parseSort(groupBy, raw.sort || undefined, raw.dir || undefined) } }
}

/**
 * The query string of a report: the shortcut when there is one (sort links keep
 * it chosen), or the days themselves (`days`: downloads, so that a file asked for
 * after midnight still covers the days on the page).
 */
export function reportQueryString(p: ReportParams, overrides: Partial<{ sort: string; dir: string; days: boolean }> = {}): string {
  const q = new URLSearchParams({ groupBy: p.groupBy })
  if (p.range.shortcut && !overrides.days) q.set('range', p.range.shortcut)
  else {
    q.set('from', p.range.from.toISOString().slice(0, 10))
    q.set('to', p.range.to.toISOString().slice(0, 10))
  }
  q.set('sort', overrides.sort ?? p.sort.column)
  q.set('dir', overrides.dir ?? p.sort.dir)
  return q.toString()
}
