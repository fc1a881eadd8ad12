// Dates in the console: UTC always (as stored), French day-first order.
const pad = (n: number) => String(n).padStart(2, '0')

/** "15/06/2026 14:03" (UTC). */
export function formatDateTime(d: Date | null | undefined): string {
  if (!d) return '—'
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`
}

/** "15/06/2026". */
export function formatDate(d: Date | null | undefined): string {
  if (!d) return '—'
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}/${d.getUTCFullYear()}`
}

/** "15/06" (chart axes). */
export function formatDayMonth(d: Date): string {
  return `${pad(d.getUTCDate())}/${pad(d.getUTCMonth() + 1)}`
}

/** "2026-06-15" (form fields, CSV file names). */
export function isoDay(d: Date): string {
  return d.toISOString().slice(0, 10)
}
