// Writes a batch of click events and counts them into their day's rollups
// (click_rollups, by UTC day, partner and kind; click_link_rollups, by UTC day,
// tracked link and kind, with the unique ones) in the same statement: the
// rollups can never disagree with the events they count.
import { jsonRowsSelectText, type JsonColumn } from './json-rows.ts'
import type { Provider } from '../provider.ts'
import { namedStatement } from './named-statements.ts'

/** Runs one of the hot statements with its one text value; resolves to the rows changed (Database.executeHot). */
export type HotStatementRunner = (sql: string, value: string) => Promise<number>

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

// Built once per database: the batch is the statement's one bound value.
const COLUMN_LIST = EVENT_COLUMNS.map(([name]) => name).join(', ')
const INSERT_SQL: Record<Provider, string> = {
  sqlite: `INSERT INTO metric_events (${COLUMN_LIST}) ${jsonRowsSelectText('sqlite', EVENT_COLUMNS, '?')}`,
  // The rows the INSERT returns are counted into their days by the same statement,
  // in key order so that concurrent batches take the rollup rows' locks in the same order.
  postgresql: namedStatement(
    'contentflow_click_batch',
    `WITH inserted AS (INSERT INTO metric_events (${COLUMN_LIST}) ${jsonRowsSelectText('postgresql', EVENT_COLUMNS, '$1')} RETURNING ts, partner_id, assignment_id, kind, is_unique),
    by_partner AS (INSERT INTO click_rollups (day, partner_id, kind, count)
    SELECT date_trunc('day', ts), COALESCE(partner_id, 0), kind, COUNT(*) FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, partner_id, kind) DO UPDATE SET count = click_rollups.count + excluded.count)
    INSERT INTO click_link_rollups (day, assignment_id, partner_id, kind, count, unique_count)
    SELECT date_trunc('day', ts), COALESCE(assignment_id, 0), COALESCE(partner_id, 0), kind, COUNT(*), COUNT(*) FILTER (WHERE is_unique)
    FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, assignment_id, partner_id, kind) DO UPDATE
    SET count = click_link_rollups.count + excluded.count, unique_count = click_link_rollups.unique_count + excluded.unique_count`,
  ),
}

export async function insertClickEvents(
  database: { executeHot: HotStatementRunner; provider: Provider },
  events: readonly ClickEventRow[],
): Promise<void> {
  if (events.length === 0) return
  // The events travel as one JSON parameter (json-rows.ts).
  const rows = events.map((e) => [
    e.kind,
    e.ts.getTime(),
    e.partnerId,
    e.assignmentId,
    e.offerId,
    e.clickId,
    e.visitorHash,
    e.userAgent,
    e.referer,
    e.isUnique ? 1 : 0,
  ])
  // One statement, so atomic without a transaction (which cost the ORM as much as
  // the insert itself). SQLite: the metric_events_click_rollup and
  // metric_events_click_link_rollup triggers (migrations) count each row into its
  // day; PostgreSQL: the statement's two data-modifying CTEs after the insert.
  // It goes around the client (executeHot): the client's path for a raw statement
  // (building and interpreting a query plan for it) cost a third of the batch,
  // for a statement that needs none of it.
  await database.executeHot(INSERT_SQL[database.provider], JSON.stringify(rows))
}
