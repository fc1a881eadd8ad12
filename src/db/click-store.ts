// Writes a batch of click events and counts them into their day's rollup
// (click_rollups, by UTC day, partner and kind) in the same statement: the
// rollup can never disagree with the events it counts.
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
  // The events travel as one JSON parameter (json-rows.ts).
  const rows = events.map((e) => [e.kind, e.ts.getTime(), e.partnerId, e.assignmentId, e.offerId, e.clickId, e.visitorHash, e.userAgent, e.referer, e.isUnique ? 1 : 0])
  const insert = Prisma.sql`INSERT INTO metric_events (kind, ts, partner_id, assignment_id, offer_id, click_id, visitor_hash, user_agent, referer, is_unique)
    ${jsonRowsSelect(database.provider, EVENT_COLUMNS, rows)}`
  // One statement, so atomic without a transaction (which cost the ORM as much as
  // the insert itself). SQLite: the metric_events_click_rollup trigger (migration)
  // counts each row into its day. PostgreSQL: the rows the INSERT returns are
  // counted into their days by the same statement, in key order so that
  // concurrent batches take the rollup rows' locks in the same order.
  if (database.provider === 'sqlite') {
    await database.prisma.$executeRaw(insert)
    return
  }
  await database.prisma.$executeRaw(Prisma.sql`
    WITH inserted AS (${insert} RETURNING ts, partner_id, kind)
    INSERT INTO click_rollups (day, partner_id, kind, count)
    SELECT date_trunc('day', ts), COALESCE(partner_id, 0), kind, COUNT(*) FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, partner_id, kind) DO UPDATE SET count = click_rollups.count + excluded.count`)
}
