// The one set of time constants, and the UTC day arithmetic the figures share.
// Time is UTC everywhere: "7 days" is now − 7×24 h, and a day starts at UTC midnight.
export const SECOND_MS = 1000
export const MINUTE_MS = 60 * SECOND_MS
export const HOUR_MS = 60 * MINUTE_MS
export const DAY_MS = 24 * HOUR_MS

export function daysAgo(now: Date, days: number): Date {
  return new Date(now.getTime() - days * DAY_MS)
}

/** UTC midnight at or before `t`. */
export function dayStart(t: Date): Date {
  return new Date(Math.floor(t.getTime() / DAY_MS) * DAY_MS)
}
