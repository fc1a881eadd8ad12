// Writes click events and their daily rollup in one transaction, as one INSERT
// for the events and one multi-row upsert for the rollup: the rollup can never
// disagree with the events it counts.
import type { Database } from './client.ts'
import { Prisma } from '../generated/sqlite/client.ts'
import { jsonRowsSelect, type JsonColumn } from './json-rows.ts'

export interface ClickEventRow {
  kind: 'click' | 'bot'
  ts: Date
  partnerId: number | null
  assignmentId: number | null
  offerId: number | null
  clickId: string
  visitorHash: string | null
  userAgent: string | null
  referer: string | null
  isUnique: boolean
}

const DAY_MS = 24 * 60 * 60 * 1000

/** UTC midnight of the day `ts` falls in. */
export function utcDay(ts: Date): Date {
  return new Date(Math.floor(ts.getTime() / DAY_MS) * DAY_MS)
}

/** (day, partner, kind) → count for a batch of events; partner 0 stands for "none". */
export function rollupOf(events: readonly ClickEventRow[]): Map<string, { day: Date; partnerId: number; kind: string; count: number }> {
  const groups = new Map<string, { day: Date; partnerId: number; kind: string; count: number }>()
  for (const e of events) {
    const day = utcDay(e.ts)
    const partnerId = e.partnerId ?? 0
    const key = `${day.getTime()}|${partnerId}|${e.kind}`
    const g = groups.get(key)
    if (g) g.count++
    else groups.set(key, { day, partnerId, kind: e.kind, count: 1 })
  }
  return groups
}

const EVENT_COLUMNS = [
  ['kind', 'text'],
  ['ts', 'ms'],
  ['partner_id', 'int'],
  ['assignment_id', 'int'],
  ['offer_id', 'int'],
  ['click_id', 'text'],
  ['visitor_hash', 'text'],
  ['user_agent', 'text'],
  ['referer', 'text'],
  ['is_unique', 'bool'],
] as const satisfies readonly JsonColumn[]

export async function insertClickEvents(database: Pick<Database, 'prisma' | 'provider'>, events: readonly ClickEventRow[]): Promise<void> {
  if (events.length === 0) return
  const db = database.prisma
  const rollup = [...rollupOf(events).values()]
  const upsert = Prisma.sql`INSERT INTO click_rollups (day, partner_id, kind, count) VALUES ${Prisma.join(
    rollup.map((r) => Prisma.sql`(${r.day}, ${r.partnerId}, ${r.kind}, ${r.count})`),
  )} ON CONFLICT (day, partner_id, kind) DO UPDATE SET count = click_rollups.count + excluded.count`
  // The events travel as one JSON parameter (json-rows.ts).
  const rows = events.map((e) => [e.kind, e.ts.getTime(), e.partnerId, e.assignmentId, e.offerId, e.clickId, e.visitorHash, e.userAgent, e.referer, e.isUnique ? 1 : 0])
  const insert = Prisma.sql`INSERT INTO metric_events (kind, ts, partner_id, assignment_id, offer_id, click_id, visitor_hash, user_agent, referer, is_unique)
    ${jsonRowsSelect(database.provider, EVENT_COLUMNS, rows)}`
  await db.$transaction([db.$executeRaw(insert), db.$executeRaw(upsert)])
}
