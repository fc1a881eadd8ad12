// /admin/reports — figures over any days grouped by day, partner, offer, network
// or sub-id, sortable, with totals (src/reports/); /admin/reports.csv the same
// report as CSV; /admin/reports/clicks.csv and /admin/reports/conversions.csv the
// raw events of the days, streamed a page at a time, their row count sent first
// (x-row-count) and shown on the page.
import { Readable } from 'node:stream'
import type { FastifyReply } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { renderPage } from '../../console/page.ts'
import { InvalidInput } from '../../errors.ts'
import { GROUP_BYS } from '../../reports/grouping.ts'
import { CONVERSION_STATUSES } from '../../reports/metrics.ts'
import { parseReportParams, reportQueryString, type ReportParams } from '../../reports/params.ts'
import { MAX_REPORT_DAYS, SHORTCUTS, parseRange, dayCount } from '../../reports/range.ts'
import { buildReport } from '../../reports/report.ts'
import { reportCsv, reportFileName } from '../../reports/csv.ts'
import { clicksCsv, conversionsCsv, exportRowCounts, exportRowCountsOf } from '../../reports/exports.ts'
import { isoDay } from '../../format/dates.ts'

const COLUMNS = [
  { sort: 'clicks', label: 'Clics' },
  { sort: 'unique', label: 'Clics uniques' },
  { sort: 'bots', label: 'Bots' },
  { sort: 'pending', label: 'En attente' },
  { sort: 'confirmed', label: 'Confirmées' },
  { sort: 'rejected', label: 'Rejetées' },
  { sort: 'reversed', label: 'Annulées' },
  { sort: 'revenue', label: 'Revenus' },
  { sort: 'epc', label: 'EPC' },
  { sort: 'rate', label: 'Taux de conv.' },
] as const

/** The page shows the first rows of the sorted report (rendering thousands costs more than the query); the CSV has them all. */
export const PAGE_ROWS = 500

function csvReply(reply: FastifyReply, name: string) {
  return reply
    .type('text/csv; charset=utf-8')
    .header('content-disposition', `attachment; filename="${name}"`)
    .header('cache-control', 'no-store')
}

const reportPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/reports', async (request, reply) => {
    const parsed = parseReportParams(request.query, new Date())
    const common = {
      title: 'Rapports — ContentFlow',
      nav: 'reports' as const,
      groupBys: GROUP_BYS,
      shortcuts: SHORTCUTS,
      columns: COLUMNS,
      maxDays: MAX_REPORT_DAYS,
    }
    if (!parsed.ok)
      return renderPage(request, reply, 'reports', { ...common, raw: parsed.raw, error: parsed.refusal.fr, report: null }, 400)
    const p = parsed.params
    const report = await buildReport(app.database, p)
    const counts = exportRowCountsOf(report)
    const sortLink = (column: string) => {
      const dir = p.sort.column === column ? (p.sort.dir === 'asc' ? 'desc' : 'asc') : column === 'key' ? 'asc' : 'desc'
      return `/admin/reports?${reportQueryString(p, { sort: column, dir })}`
    }
    const days = reportQueryString(p, { days: true })
    const rawDays = `from=${isoDay(p.range.from)}&to=${isoDay(p.range.to)}`
    return renderPage(request, reply, 'reports', {
      ...common,
      raw: { ...parsed.raw, from: isoDay(p.range.from), to: isoDay(p.range.to) },
      error: null,
      p,
      report,
      shownRows: report.rows.slice(0, PAGE_ROWS),
      statuses: CONVERSION_STATUSES,
      dayCount: dayCount(p.range),
      sortLink,
      links: {
        csv: `/admin/reports.csv?${days}`,
        clicks: `/admin/reports/clicks.csv?${rawDays}`,
        conversions: `/admin/reports/conversions.csv?${rawDays}`,
      },
      counts,
    })
  })

  app.get('/reports.csv', async (request, reply) => {
    const p = paramsOrRefuse(request.query)
    const report = await buildReport(app.database, p)
    return csvReply(reply, reportFileName(report)).send(reportCsv(report))
  })

  app.get('/reports/clicks.csv', async (request, reply) => {
    const range = rangeOrRefuse(request.query)
    const counts = await exportRowCounts(app.database, range)
    return csvReply(reply, `clicks-${isoDay(range.from)}-${isoDay(range.to)}.csv`)
      .header('x-row-count', String(counts.clicks))
      .send(Readable.from(clicksCsv(app.database, range)))
  })

  app.get('/reports/conversions.csv', async (request, reply) => {
    const range = rangeOrRefuse(request.query)
    const counts = await exportRowCounts(app.database, range)
    return csvReply(reply, `conversions-${isoDay(range.from)}-${isoDay(range.to)}.csv`)
      .header('x-row-count', String(counts.conversions))
      .send(Readable.from(conversionsCsv(app.database, range)))
  })
}

function paramsOrRefuse(query: unknown): ReportParams {
  const parsed = parseReportParams(query, new Date())
  if (!parsed.ok) throw new InvalidInput(parsed.refusal.fr)
  return parsed.params
}

function rangeOrRefuse(query: unknown) {
  const q = query as Record<string, unknown>
  const str = (v: unknown) => (typeof v === 'string' ? v : undefined)
  const parsed = parseRange({ range: str(q.range), from: str(q.from), to: str(q.to) }, new Date())
  if (!parsed.ok) throw new InvalidInput(parsed.refusal.fr)
  return parsed.range
}

export default reportPages
