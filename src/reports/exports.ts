// The raw exports over a period, streamed as CSV: every click event (kind click
// and bot) and every conversion entry, read a page at a time by keyset so that
// memory and each statement stay small whatever the period holds. Clicks come in
// (ts, id) order: one keyset walk per kind over the (kind, ts) index, merged here.
// The count announced beforehand comes from the rollups (exact at that moment).
import type { Database } from '../db/client.ts'
import { clickEventsPage, type EventCursor } from '../db/queries/analytics/clickEventsPage.ts'
import { conversionEntriesPage } from '../db/queries/analytics/conversionEntriesPage.ts'
import { clickLinkRollupsByDay } from '../db/queries/analytics/clickLinkRollupsByDay.ts'
import type { MetricEvent } from '../db/types.ts'
import { conversionRollupTotals } from '../db/queries/analytics/conversionRollupTotals.ts'
import { BOM, csvLine } from './csv.ts'
import { endOf, type DayRange } from './range.ts'
import { CONVERSION_STATUSES } from './metrics.ts'
import type { Report } from './report.ts'

export const PAGE_ROWS = 1000

type Db = Pick<Database, 'prisma'>
type Period = Pick<DayRange, 'from' | 'to'>

export const CLICKS_CSV_HEADER = [
  'ts',
  'click_id',
  'kind',
  'is_unique',
  'partner_id',
  'assignment_id',
  'offer_id',
  'referer',
  'user_agent',
  // The partner's own sub-ids (tracking/partner-subids.ts), empty when absent.
  's1',
  's2',
  's3',
  's4',
  's5',
]

export const CONVERSIONS_CSV_HEADER = [
  'id',
  'created_at',
  'updated_at',
  'status',
  'revenue_cents',
  'earnings_cents',
  'original_amount',
  'original_currency',
  'fx_rate',
  'network_id',
  'txn_id',
  'click_id',
  'partner_id',
  'assignment_id',
  'flag',
]

/** How many rows each export of a report's days has: its totals count every event and entry of them. */
export function exportRowCountsOf(report: Pick<Report, 'totals'>): { clicks: number; conversions: number } {
  const t = report.totals
  return { clicks: t.clicks + t.botClicks, conversions: CONVERSION_STATUSES.reduce((n, s) => n + t.conversions[s], 0) }
}

/** How many rows each export of the period has, from the rollups. */
export async function exportRowCounts(database: Db, range: Period): Promise<{ clicks: number; conversions: number }> {
  const end = endOf(range)
  const [clicks, conversions] = await Promise.all([
    clickLinkRollupsByDay(database, range.from, end),
    conversionRollupTotals(database, 'day', range.from, end),
  ])
  return { clicks: clicks.reduce((n, c) => n + c.count, 0), conversions: conversions.reduce((n, c) => n + c.entries, 0) }
}

async function* eventsOfKind(
  database: Db,
  kind: 'click' | 'bot',
  period: { from: Date; to: Date },
  pageRows: number,
): AsyncGenerator<MetricEvent> {
  let after: EventCursor | null = null
  for (;;) {
    const page = await clickEventsPage(database, kind, period, after, pageRows)
    yield* page
    if (page.length < pageRows) return
    const last = page[page.length - 1]!
    after = { ts: last.ts, id: last.id }
  }
}

const before = (a: MetricEvent, b: MetricEvent) => a.ts.getTime() < b.ts.getTime() || (a.ts.getTime() === b.ts.getTime() && a.id < b.id)

/** Every click and bot event of the period, in (ts, id) order. */
export async function* clickEvents(database: Db, range: Period, pageRows = PAGE_ROWS): AsyncGenerator<MetricEvent> {
  const period = { from: range.from, to: endOf(range) }
  const streams = [eventsOfKind(database, 'click', period, pageRows), eventsOfKind(database, 'bot', period, pageRows)]
  const heads = await Promise.all(streams.map((s) => s.next()))
  for (;;) {
    const live = [0, 1].filter((i) => !heads[i]!.done)
    if (live.length === 0) return
    const i = live.length === 1 ? live[0]! : before(heads[0]!.value as MetricEvent, heads[1]!.value as MetricEvent) ? 0 : 1
    yield heads[i]!.value as MetricEvent
    heads[i] = await streams[i]!.next()
  }
}

/** The clicks CSV, line by line (the first carries the BOM and the header). */
export async function* clicksCsv(database: Db, range: Period, pageRows = PAGE_ROWS): AsyncGenerator<string> {
  yield BOM + csvLine(CLICKS_CSV_HEADER)
  let chunk = ''
  let n = 0
  for await (const e of clickEvents(database, range, pageRows)) {
    chunk += csvLine([
      e.ts.toISOString(),
      e.clickId,
      e.kind,
      e.isUnique ? 1 : 0,
      e.partnerId,
      e.assignmentId,
      e.offerId,
      e.referer,
      e.userAgent,
      e.s1,
      e.s2,
      e.s3,
      e.s4,
      e.s5,
    ])
    // A few hundred lines a write: fewer, bigger chunks for the socket.
    if (++n % 500 === 0) {
      yield chunk
      chunk = ''
    }
  }
  if (chunk) yield chunk
}

/** The conversions CSV, line by line: entries created in the period, by id. */
export async function* conversionsCsv(database: Db, range: Period, pageRows = PAGE_ROWS): AsyncGenerator<string> {
  yield BOM + csvLine(CONVERSIONS_CSV_HEADER)
  const period = { from: range.from, to: endOf(range) }
  let afterId = 0
  for (;;) {
    const page = await conversionEntriesPage(database, period, afterId, pageRows)
    if (page.length === 0) return
    yield page
      .map((c) =>
        csvLine([
          c.id,
          c.createdAt.toISOString(),
          c.updatedAt.toISOString(),
          c.status,
          c.revenueCents ?? c.amountCents,
          c.amountCents,
          c.originalAmount,
          c.originalCurrency,
          c.fxRate,
          c.networkId,
          c.txnId,
          c.clickId,
          c.partnerId,
          c.assignmentId,
          c.flag,
        ]),
      )
      .join('')
    if (page.length < pageRows) return
    afterId = page[page.length - 1]!.id
  }
}
