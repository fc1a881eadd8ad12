// /admin/monitoring — the sketch's page: the four cards, Pipeline, Sécurité,
// Partenaires actifs and the three links, plus 30-day charts drawn as SVG on the
// server. /admin/monitoring.json gives summary() as is, for automation.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { summary } from '../../analytics/summary.ts'
import { securityExtras } from '../../analytics/security.ts'
import { dailySeries, type DayPoint } from '../../analytics/daily-series.ts'
import { margin7d } from '../../analytics/margin.ts'
import { barChart } from '../../charts/bar-chart.ts'
import { formatCents, formatCount } from '../../format/money.ts'
import { formatDate, formatDayMonth } from '../../format/dates.ts'
import { renderPage } from '../../console/page.ts'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { ledgerRecoveries } from '../../ledger/rollups.ts'
import { dayStart } from '../../time.ts'

/** Seconds between reloads when the ops person asks for auto-refresh (off by default). */
export const REFRESH_SECONDS = 60

export function monitoringCharts(series: DayPoint[], now = new Date()) {
  // Today's bar is still growing: drawn lighter, with a legend, so it never reads as a drop.
  const today = dayStart(now).getTime()
  const partial = (p: DayPoint) => p.day.getTime() === today
  const clicks = barChart({
    title: 'Clics par jour, 30 derniers jours (UTC)',
    variant: 'clicks',
    // A small axis (top 1) has a half-way line of 0,5: written as such, never rounded to a second "1".
    formatValue: (v) => (Number.isInteger(v) ? formatCount(v) : String(v).replace('.', ',')),
    points: series.map((p) => ({
      label: formatDayMonth(p.day),
      value: p.clicks,
      title: `${formatDate(p.day)}${partial(p) ? ' (partiel)' : ''} : ${formatCount(p.clicks)} clics`,
      partial: partial(p),
    })),
  })
  const revenue = barChart({
    title: 'Revenus confirmés par jour, 30 derniers jours (UTC)',
    variant: 'revenue',
    formatValue: (v) => formatCents(Math.round(v)).replace(/,00$/, ''),
    points: series.map((p) => ({
      label: formatDayMonth(p.day),
      value: p.revenueCents,
      title: `${formatDate(p.day)}${partial(p) ? ' (partiel)' : ''} : ${formatCents(p.revenueCents)} (${formatCount(p.conversions)} conversions confirmées)`,
      partial: partial(p),
    })),
  })
  return { clicks, revenue }
}

const monitoring: FastifyPluginAsyncZod = async (app) => {
  app.get('/monitoring.json', async (_request, reply) => {
    reply.header('cache-control', 'no-store')
    return summary(app.database, app.config)
  })

  app.get<{ Querystring: { refresh?: string } }>('/monitoring', async (request, reply) => {
    const now = new Date()
    const [s, extras, series, recoveries, margin] = await Promise.all([
      summary(app.database, app.config, { now }),
      securityExtras(app.database, now),
      dailySeries(app.database, now),
      ledgerRecoveries(app.database, ledgerRulesOf(app.config), now),
      margin7d(app.database, now),
    ])
    const refresh = request.query.refresh === '1'
    const totals = series.reduce((t, p) => ({ clicks: t.clicks + p.clicks, revenueCents: t.revenueCents + p.revenueCents }), {
      clicks: 0,
      revenueCents: 0,
    })
    return renderPage(request, reply, 'monitoring', {
      title: 'Monitoring — ContentFlow',
      nav: 'monitoring',
      s,
      extras,
      recoveries,
      margin,
      charts: monitoringCharts(series, now),
      totals30d: totals,
      refreshSeconds: refresh ? REFRESH_SECONDS : null,
      generatedAt: now,
    })
  })
}

export default monitoring
