// A report's period: whole UTC days, `from` and `to` both included, chosen by a
// shortcut (today, 7 days, 30 days, this month, last month) or typed as two
// days. Pure: the caller passes `now`. A refusal carries its words for people
// (French, the page) and for programs (English, the API).
import { DAY_MS, dayStart } from '../time.ts'

export const MAX_REPORT_DAYS = 400

export const SHORTCUTS = [
  { key: 'today', label: "Aujourd'hui" },
  { key: '7d', label: '7 jours' },
  { key: '30d', label: '30 jours' },
  { key: 'month', label: 'Ce mois' },
  { key: 'last-month', label: 'Mois dernier' },
] as const

export type Shortcut = (typeof SHORTCUTS)[number]['key']

export interface DayRange {
  /** UTC midnight of the first day. */
  from: Date
  /** UTC midnight of the last day (included). */
  to: Date
  /** The shortcut it came from, if any. */
  shortcut: Shortcut | null
}

export interface RangeRefusal {
  fr: string
  en: string
}

export type RangeResult = { ok: true; range: DayRange } | { ok: false; refusal: RangeRefusal }

export interface RangeInput {
  range?: string
  from?: string
  to?: string
}

export function isShortcut(value: string): value is Shortcut {
  return SHORTCUTS.some((s) => s.key === value)
}

/** The days of a shortcut at `now`: today and the 6 (29) days before it, or a calendar month. */
export function shortcutRange(shortcut: Shortcut, now: Date): DayRange {
  const today = dayStart(now)
  const back = (days: number) => new Date(today.getTime() - days * DAY_MS)
  const y = now.getUTCFullYear()
  const m = now.getUTCMonth()
  switch (shortcut) {
    case 'today':
      return { from: today, to: today, shortcut }
    case '7d':
      return { from: back(6), to: today, shortcut }
    case '30d':
      return { from: back(29), to: today, shortcut }
    case 'month':
      return { from: new Date(Date.UTC(y, m, 1)), to: today, shortcut }
    case 'last-month':
      return { from: new Date(Date.UTC(y, m - 1, 1)), to: new Date(Date.UTC(y, m, 0)), shortcut }
  }
}

const DAY_PATTERN = /^(\d{4})-(\d{2})-(\d{2})$/

/** "2026-06-15" → its UTC midnight; null unless it is a real calendar day. */
export function parseDay(text: string): Date | null {
  const m = DAY_PATTERN.exec(text.trim())
  if (!m) return null
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])]
  const date = new Date(Date.UTC(y, mo - 1, d))
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null
  if (y < 2000 || y > 2999) return null
  return date
}

const refuse = (fr: string, en: string): RangeResult => ({ ok: false, refusal: { fr, en } })

/**
 * The period asked for: a shortcut (`range`), else `from` and `to` (both needed),
 * else the default (30 days). `from` after `to`, or more than MAX_REPORT_DAYS
 * days, is refused.
 */
export function parseRange(input: RangeInput, now: Date, fallback: Shortcut = '30d'): RangeResult {
  const range = input.range?.trim() ?? ''
  const fromText = input.from?.trim() ?? ''
  const toText = input.to?.trim() ?? ''
  if (range !== '' && range !== 'custom') {
    if (!isShortcut(range))
      return refuse(
        `période inconnue : « ${range.slice(0, 40)} »`,
        `unknown range "${range.slice(0, 40)}" (today, 7d, 30d, month, last-month)`,
      )
    return { ok: true, range: shortcutRange(range, now) }
  }
  if (fromText === '' && toText === '') return { ok: true, range: shortcutRange(fallback, now) }
  if (fromText === '' || toText === '')
    return refuse('indiquez le premier et le dernier jour (du … au …)', 'from and to are both required (YYYY-MM-DD)')
  const from = parseDay(fromText)
  if (!from)
    return refuse(
      `date de début invalide : « ${fromText.slice(0, 40)} » (AAAA-MM-JJ)`,
      `from is not a day: "${fromText.slice(0, 40)}" (YYYY-MM-DD)`,
    )
  const to = parseDay(toText)
  if (!to)
    return refuse(
      `date de fin invalide : « ${toText.slice(0, 40)} » (AAAA-MM-JJ)`,
      `to is not a day: "${toText.slice(0, 40)}" (YYYY-MM-DD)`,
    )
  if (from.getTime() > to.getTime()) return refuse('la date de début est après la date de fin', 'from is after to')
  if (dayCount({ from, to }) > MAX_REPORT_DAYS)
    return refuse(`période trop longue : ${MAX_REPORT_DAYS} jours au plus`, `range too long: at most ${MAX_REPORT_DAYS} days`)
  return { ok: true, range: { from, to, shortcut: null } }
}

/** Days in the range, both ends included. */
export function dayCount(range: Pick<DayRange, 'from' | 'to'>): number {
  return Math.round((range.to.getTime() - range.from.getTime()) / DAY_MS) + 1
}

/** The instant after the range: the midnight that ends its last day. */
export function endOf(range: Pick<DayRange, 'to'>): Date {
  return new Date(range.to.getTime() + DAY_MS)
}

/** Every day of the range, in order. */
export function daysOf(range: Pick<DayRange, 'from' | 'to'>): Date[] {
  return Array.from({ length: dayCount(range) }, (_, i) => new Date(range.from.getTime() + i * DAY_MS))
}
