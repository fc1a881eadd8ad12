import { expect, it } from 'vitest'
import { barChart, niceMax } from '../../src/charts/bar-chart.ts'

it('draws one bar per point with a tooltip, and escapes every text', () => {
  const svg = barChart({
    title: 'Clics <b>',
    variant: 'clicks',
    formatValue: (v) => String(v),
    points: [
      { label: '01/06', value: 10, title: 'a & b' },
      { label: '02/06', value: 0, title: '<script>alert(1)</script>' },
      { label: '03/06', value: 40, title: 'c' },
    ],
  })
  expect(svg.match(/<rect class="chart-bar"/g)).toHaveLength(3)
  expect(svg).toContain('aria-label="Clics &lt;b&gt;"')
  expect(svg).toContain('<title>a &amp; b</title>')
  expect(svg).not.toContain('<script>')
  expect(svg).not.toMatch(/style=/)
  // the tallest bar reaches the top of the 50-unit axis: 40 / 50 of the plot height
  expect(svg).toContain('>50</text>')
})

it('rounds the axis up to a readable value', () => {
  expect(niceMax(0)).toBe(1)
  expect(niceMax(7)).toBe(10)
  expect(niceMax(1_119)).toBe(2_000)
  expect(niceMax(2_300)).toBe(2_500)
  expect(niceMax(41_000)).toBe(50_000)
})

it('says there is no data yet instead of drawing empty axes', () => {
  const points = ['01/06', '02/06', '03/06'].map((label) => ({ label, value: 0, title: label }))
  const svg = barChart({ title: 'Clics', variant: 'clicks', formatValue: (v) => String(Math.round(v)), points })
  expect(svg).toContain('>Pas encore de données</text>')
  expect(svg).not.toContain('chart-bar')
  expect(svg).not.toContain('chart-axis')
  expect(barChart({ title: 'Clics', variant: 'clicks', formatValue: String, points: [] })).toContain('Pas encore de données')
})

it("draws today's partial bar lighter, with its legend", () => {
  const svg = barChart({
    title: 'Clics',
    variant: 'clicks',
    formatValue: String,
    points: [
      { label: '01/06', value: 10, title: 'a' },
      { label: '02/06', value: 3, title: 'b (partiel)', partial: true },
    ],
  })
  expect(svg.match(/<rect class="chart-bar"/g)).toHaveLength(1)
  expect(svg.match(/<rect class="chart-bar chart-bar--partial"[^>]*><title>b \(partiel\)<\/title>/g)).toHaveLength(1)
  expect(svg).toContain('aujourd&#39;hui (partiel)</text>')
  // Without a partial bar, no legend.
  expect(
    barChart({ title: 'Clics', variant: 'clicks', formatValue: String, points: [{ label: 'x', value: 1, title: 'x' }] }),
  ).not.toContain('partiel')
})

it('labels a one-click axis 0 / 0,5 / 1 on the monitoring page, never 1 / 1 / 0', async () => {
  const { monitoringCharts } = await import('../../src/routes/admin/monitoring.ts')
  const now = new Date('2026-06-15T12:00:00Z')
  const series = [14, 15].map((d) => ({ day: new Date(Date.UTC(2026, 5, d)), clicks: d === 14 ? 1 : 0, conversions: 0, revenueCents: 0 }))
  const { clicks, revenue } = monitoringCharts(series, now)
  const axis = [...clicks.matchAll(/class="chart-axis" x="58"[^>]*>([^<]*)</g)].map((m) => m[1])
  expect(axis).toEqual(['0', '0,5', '1'])
  expect(revenue).toContain('Pas encore de données')
})
