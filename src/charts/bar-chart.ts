// Server-side SVG bar charts for the console: no chart library, no CDN, no
// script. Colours and fonts come from the stylesheet through class names (the CSP
// allows no inline style). Each bar carries a <title>, which browsers show as a
// tooltip without JavaScript. Every text is escaped here, since the SVG is
// inserted into the page as raw markup.

export interface BarPoint {
  /** Axis label (short, e.g. "15/06"). */
  label: string
  value: number
  /** Tooltip text of the bar. */
  title: string
  /** A period still running (today): drawn lighter, with a legend. */
  partial?: boolean
}

export interface BarChartOptions {
  /** Accessible name of the chart. */
  title: string
  points: BarPoint[]
  /** Formats axis values (the maximum and its half). */
  formatValue: (v: number) => string
  /** CSS modifier: "clicks", "revenue"… → class chart--clicks. */
  variant: string
  width?: number
  height?: number
  /** Label every n-th bar on the x axis. */
  labelEvery?: number
  /** Said instead of empty axes when every value is 0. */
  emptyText?: string
  /** The legend of a partial bar. */
  partialLegend?: string
}

export const EMPTY_CHART_TEXT = 'Pas encore de données'
export const PARTIAL_LEGEND = "aujourd'hui (partiel)"

export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}

/** A "nice" upper bound for the axis: 1, 2, 2.5 or 5 × 10^k at or above max. */
export function niceMax(max: number): number {
  if (!(max > 0)) return 1
  const exp = 10 ** Math.floor(Math.log10(max))
  for (const step of [1, 2, 2.5, 5, 10]) if (step * exp >= max) return step * exp
  return 10 * exp
}

const r1 = (n: number) => Math.round(n * 10) / 10

function svgOpen(opts: BarChartOptions, width: number, height: number): string {
  return (
    `<svg class="chart chart--${escapeXml(opts.variant)}" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeXml(opts.title)}" xmlns="http://www.w3.org/2000/svg">` +
    `<title>${escapeXml(opts.title)}</title>`
  )
}

export function barChart(opts: BarChartOptions): string {
  const width = opts.width ?? 520
  const height = opts.height ?? 200
  // Nothing to draw: axes scaled on nothing read as data ("1 / 1 / 0"), so say so instead.
  if (!opts.points.some((p) => p.value > 0)) {
    return (
      svgOpen(opts, width, height) +
      `<rect class="chart-empty-frame" x="0.5" y="0.5" width="${width - 1}" height="${height - 1}" rx="6"/>` +
      `<text class="chart-empty" x="${width / 2}" y="${height / 2 + 5}" text-anchor="middle">${escapeXml(opts.emptyText ?? EMPTY_CHART_TEXT)}</text>` +
      '</svg>'
    )
  }
  const hasPartial = opts.points.some((p) => p.partial)
  const pad = { top: hasPartial ? 24 : 12, right: 8, bottom: 24, left: 64 }
  const plotW = width - pad.left - pad.right
  const plotH = height - pad.top - pad.bottom
  const n = Math.max(1, opts.points.length)
  const top = niceMax(Math.max(0, ...opts.points.map((p) => p.value)))
  const slot = plotW / n
  const barW = Math.max(1, slot * 0.72)
  const y = (v: number) => pad.top + plotH - (Math.max(0, v) / top) * plotH
  const labelEvery = opts.labelEvery ?? Math.ceil(n / 8)
  const parts: string[] = []
  parts.push(svgOpen(opts, width, height))
  if (hasPartial) {
    // The legend of the lighter bar, top right: today is not over, its bar is not a drop.
    const legend = escapeXml(opts.partialLegend ?? PARTIAL_LEGEND)
    parts.push(
      `<g class="chart-legend"><rect class="chart-key" x="${width - pad.right - 10}" y="4" width="10" height="10"/>` +
        `<text class="chart-axis" x="${width - pad.right - 14}" y="13" text-anchor="end">${legend}</text></g>`,
    )
  }
  // Grid lines and their values: 0, half, top.
  for (const frac of [0, 0.5, 1]) {
    const gy = r1(y(top * frac))
    parts.push(`<line class="chart-grid" x1="${pad.left}" x2="${width - pad.right}" y1="${gy}" y2="${gy}"/>`)
    parts.push(
      `<text class="chart-axis" x="${pad.left - 6}" y="${r1(gy + 4)}" text-anchor="end">${escapeXml(opts.formatValue(top * frac))}</text>`,
    )
  }
  opts.points.forEach((p, i) => {
    const x = pad.left + i * slot + (slot - barW) / 2
    const by = y(p.value)
    const h = pad.top + plotH - by
    parts.push(
      `<rect class="chart-bar${p.partial ? ' chart-bar--partial' : ''}" x="${r1(x)}" y="${r1(by)}" width="${r1(barW)}" height="${r1(Math.max(h, p.value > 0 ? 1 : 0))}"><title>${escapeXml(p.title)}</title></rect>`,
    )
    if ((n - 1 - i) % labelEvery === 0) {
      parts.push(`<text class="chart-axis" x="${r1(x + barW / 2)}" y="${height - 6}" text-anchor="middle">${escapeXml(p.label)}</text>`)
    }
  })
  parts.push('</svg>')
  return parts.join('')
}
