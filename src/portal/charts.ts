// The overview's two charts (SVG from src/charts/bar-chart.ts): clicks and
// earnings per day, today drawn as partial.
import { barChart } from '../charts/bar-chart.ts'
import { formatDate, formatDayMonth } from '../format/dates.ts'
import { formatCents, formatCount } from '../format/money.ts'
import { dayStart } from '../time.ts'
import type { PortalDay } from './overview.ts'

export function portalCharts(days: PortalDay[], now = new Date()): { clicks: string; earnings: string } {
  const today = dayStart(now).getTime()
  const partial = (d: PortalDay) => d.day.getTime() === today
  const when = (d: PortalDay) => `${formatDate(d.day)}${partial(d) ? ' (partiel)' : ''}`
  return {
    clicks: barChart({
      title: 'Clics par jour, 30 derniers jours (UTC)',
      variant: 'clicks',
      formatValue: (v) => (Number.isInteger(v) ? formatCount(v) : String(v).replace('.', ',')),
      labelEvery: 5,
      points: days.map((d) => ({
        label: formatDayMonth(d.day),
        value: d.clicks,
        title: `${when(d)} : ${formatCount(d.clicks)} clics`,
        partial: partial(d),
      })),
    }),
    earnings: barChart({
      title: 'Gains confirmés par jour, 30 derniers jours (UTC)',
      variant: 'revenue',
      formatValue: (v) => formatCents(Math.round(v)).replace(/,00$/, ''),
      labelEvery: 5,
      points: days.map((d) => ({
        label: formatDayMonth(d.day),
        value: d.earningsCents,
        title: `${when(d)} : ${formatCents(d.earningsCents)} (${formatCount(d.conversions)} conversions)`,
        partial: partial(d),
      })),
    }),
  }
}
