// A report: the figures of a period grouped by day, partner, offer, network or
// sub-id (tracked link), sorted, with their totals. Clicks come from the per-link
// click rollup, conversions from the ledger's per-partner daily rollup (the table
// conversionFiguresByDay reads, summed by the database over the report's own
// dimensions, not returned day by day: a 30-day report by partner then reads a
// few thousand rows, not tens of thousands): days × links rows whatever the
// volume, and exact for periods whose raw clicks were pruned.
import type { Database } from '../db/client.ts'
import { clickLinkRollupsByDay } from '../db/queries/analytics/clickLinkRollupsByDay.ts'
import { clickLinkRollupsByLink } from '../db/queries/analytics/clickLinkRollupsByLink.ts'
import { namesOf, reportLinks, type NamedTable } from '../db/queries/report-labels.ts'
import { formatDate, isoDay } from '../format/dates.ts'
import { conversionRollupTotals } from '../db/queries/analytics/conversionRollupTotals.ts'
import { groupKeyOf, NONE_KEY, type GroupBy, type LinkFacts } from './grouping.ts'
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
import { daysOf, endOf, type DayRange } from './range.ts'
import { sortRows, type Sort } from './sorting.ts'
import { s1ReportFigures } from './subid-report.ts'

export type { ReportRow }

export interface Report {
  groupBy: GroupBy
  from: string
  to: string
  sort: Sort
  rows: ReportRow[]
  totals: Figures & Ratios
}

export interface ReportQuery {
  groupBy: GroupBy
  range: Pick<DayRange, 'from' | 'to'>
  sort: Sort
}

const NONE_LABELS: Record<Exclude<GroupBy, 'day' | 's1'>, string> = {
  partner: 'Sans partenaire',
  offer: 'Sans offre',
  network: 'Sans réseau',
  subid: 'Sans lien',
}

export async function buildReport(database: Pick<Database, 'prisma'>, query: ReportQuery): Promise<Report> {
  const { groupBy, range } = query
  // Partners' sub-ids are in no rollup: that report reads raw rows (subid-report.ts).
  if (groupBy === 's1')
    return {
      groupBy,
      from: isoDay(range.from),
      to: isoDay(range.to),
      sort: query.sort,
      ...(await s1ReportFigures(database, range, query.sort)),
    }
  const end = endOf(range)
  const byDay = groupBy === 'day'
  const [clickCells, conversionCells] = await Promise.all([
    byDay
      ? clickLinkRollupsByDay(database, range.from, end).then((rows) => rows.map((r) => ({ ...r, assignmentId: null, partnerId: null })))
      : clickLinkRollupsByLink(database, range.from, end, groupBy === 'partner' ? 'partner' : 'link'),
    conversionRollupTotals(database, byDay ? 'day' : groupBy === 'partner' ? 'partner' : 'link', range.from, end),
  ])

  // Offer and network come from the links; only those the period touches are read.
  const linkIds = new Set<number>()
  if (!byDay && groupBy !== 'partner') {
    for (const c of clickCells) if (c.assignmentId !== null) linkIds.add(c.assignmentId)
    for (const c of conversionCells) if (c.assignmentId !== null) linkIds.add(c.assignmentId)
  }
  const linkRows = await reportLinks(database, [...linkIds])
  const links = new Map<number, LinkFacts & { code: string }>(linkRows.map((l) => [l.id, l]))

  const groups = new Map<string, Figures>()
  const figuresOf = (key: string) => {
    let f = groups.get(key)
    if (!f) groups.set(key, (f = emptyFigures()))
    return f
  }
  if (byDay) for (const day of daysOf(range)) figuresOf(isoDay(day))
  for (const c of clickCells) addClicks(figuresOf(groupKeyOf(groupBy, c, links)), c.kind, c.count, c.uniqueCount)
  for (const c of conversionCells)
    addConversions(figuresOf(groupKeyOf(groupBy, { ...c, day: c.day ?? undefined }, links)), c.status, c.entries, c.revenueCents)
  // A group seen only through cells that count nothing in the report (e.g. a status it does not show) is left out.
  for (const [key, f] of groups) if (!byDay && isEmpty(f)) groups.delete(key)

  const labels = await labelsOf(database, groupBy, [...groups.keys()], links)
  const rows = [...groups].map(([key, f]): ReportRow => ({ key, label: labels.get(key) ?? key, ...f, ...ratiosOf(f) }))
  const totals = sumFigures(rows)
  return {
    groupBy,
    from: isoDay(range.from),
    to: isoDay(range.to),
    sort: query.sort,
    rows: sortRows(groupBy, rows, query.sort),
    totals: { ...totals, ...ratiosOf(totals) },
  }
}

async function labelsOf(
  database: Pick<Database, 'prisma'>,
  groupBy: Exclude<GroupBy, 's1'>,
  keys: readonly string[],
  links: ReadonlyMap<number, { code: string; partnerId: number }>,
): Promise<Map<string, string>> {
  if (groupBy === 'day') return new Map(keys.map((k) => [k, formatDate(new Date(`${k}T00:00:00Z`))]))
  const ids = keys.filter((k) => k !== NONE_KEY).map(Number)
  const labels = new Map<string, string>([[NONE_KEY, NONE_LABELS[groupBy]]])
  if (groupBy === 'subid') {
    const partners = await namesOf(database, 'partner', [
      ...new Set(ids.map((id) => links.get(id)?.partnerId).filter((p) => p !== undefined)),
    ])
    for (const id of ids) {
      const link = links.get(id)
      labels.set(String(id), link ? `${link.code} — ${partners.get(link.partnerId) ?? `partenaire #${link.partnerId}`}` : `lien #${id}`)
    }
    return labels
  }
  const table: NamedTable = groupBy
  const names = await namesOf(database, table, ids)
  const word = { partner: 'partenaire', offer: 'offre', network: 'réseau' }[table]
  for (const id of ids) labels.set(String(id), names.get(id) ?? `${word} #${id}`)
  return labels
}
