// Writes a batch of click events and counts them into their day's rollups
// (click_rollups, by UTC day, partner and kind; click_link_rollups, by UTC day,
// tracked link and kind, with the unique ones) in the same statement: the
// rollups can never disagree with the events they count.
//
// The same statement decides which clicks are unique, against click_visitors (a
// visitor's last click on a link, shared by every server instance): a click the
// instance believes first (isUnique) is unique only if the visitor's last click on
// the link, wherever it was served, is at least UNIQUE_WINDOW_MS old. Every click
// on a link records its visitor's last click there. Being one statement (one
// transaction), two instances on one database count a returning visitor once.
import { jsonRowsSelectText, type JsonColumn } from './json-rows.ts'
import type { Provider } from '../provider.ts'
import { namedStatement } from './named-statements.ts'

/** Runs one of the hot statements with its one text value; resolves to the rows changed (Database.executeHot). */
export type HotStatementRunner = (sql: string, value: string) => Promise<number>

/** A click counts as unique when the visitor's previous click on the link is at least this old. */
export const UNIQUE_WINDOW_MS = 3_600_000

/** The partner's own sub-ids s1…s5, each already bounded (tracking/partner-subids.ts), null when absent. */
export type PartnerSubids = readonly [string | null, string | null, string | null, string | null, string | null]

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
  /**
   * First from this visitor on this link as far as this instance knows; for a
   * click with a link and a visitor, the statement confirms it (see above).
   */
  isUnique: boolean
  subids?: PartnerSubids
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
const SUBID_COLUMNS = [
  ['s1', 'text'],
  ['s2', 'text'],
  ['s3', 'text'],
  ['s4', 'text'],
  ['s5', 'text'],
] as const satisfies readonly JsonColumn[]

/** A click whose uniqueness the database decides: one on a tracked link, from a known visitor. */
const TRACKED_VISIT = `b.kind = 'click' AND b.assignment_id IS NOT NULL AND b.visitor_hash IS NOT NULL`

/** The batch's columns as read from `b`, is_unique given by `unique`. */
const valuesFromB = (columns: readonly JsonColumn[], unique: string) =>
  columns.map(([name]) => (name === 'is_unique' ? unique : `b.${name}`)).join(', ')

/**
 * SQLite. The metric_events_click_visitor trigger (migrations) records each
 * click's visitor after its row goes in; a batch has at most one candidate per
 * visitor and link (insertClickEvents), so the lookup before it is the visitor's
 * past. A batch without candidates (repeats the memory caught, bots) skips it.
 */
function sqliteInsert(columns: readonly JsonColumn[], checkVisitors: boolean): string {
  const list = columns.map(([name]) => name).join(', ')
  if (!checkVisitors) return `INSERT INTO metric_events (${list}) ${jsonRowsSelectText('sqlite', columns, '?')}`
  const unique = `CASE WHEN b.is_unique = 1 AND ${TRACKED_VISIT} THEN NOT EXISTS (SELECT 1 FROM click_visitors v WHERE v.assignment_id = b.assignment_id AND v.visitor_hash = b.visitor_hash AND v.last_ts > b.ts - ${UNIQUE_WINDOW_MS}) ELSE b.is_unique END`
  return `INSERT INTO metric_events (${list}) SELECT ${valuesFromB(columns, unique)} FROM (${jsonRowsSelectText('sqlite', columns, '?')}) AS b`
}

/**
 * PostgreSQL. visits: one upsert per visitor and link of the batch (in key order,
 * so that concurrent batches lock the rows in the same order). ON CONFLICT DO
 * UPDATE sees the latest committed row, even one another instance wrote
 * meanwhile: a candidate opens a visit (opened_by = its click id) only if the
 * visitor's last click is a window old, and is unique exactly when the upsert
 * hands its id back. The rows the INSERT returns are counted into their days by
 * the same statement, in key order so that concurrent batches take the rollup
 * rows' locks in the same order.
 */
function postgresInsert(name: string, columns: readonly JsonColumn[]): string {
  const list = columns.map(([column]) => column).join(', ')
  return namedStatement(
    name,
    `WITH b AS (${jsonRowsSelectText('postgresql', columns, '$1')}),
    visits AS (INSERT INTO click_visitors (assignment_id, visitor_hash, last_ts, opened_by)
    SELECT b.assignment_id, b.visitor_hash, MAX(b.ts), MIN(b.click_id) FILTER (WHERE b.is_unique) FROM b WHERE ${TRACKED_VISIT}
    GROUP BY 1, 2 ORDER BY 1, 2
    ON CONFLICT (assignment_id, visitor_hash) DO UPDATE
    SET last_ts = GREATEST(click_visitors.last_ts, excluded.last_ts),
    opened_by = CASE WHEN excluded.opened_by IS NOT NULL AND click_visitors.last_ts <= excluded.last_ts - interval '${UNIQUE_WINDOW_MS} milliseconds'
    THEN excluded.opened_by ELSE click_visitors.opened_by END
    RETURNING opened_by),
    inserted AS (INSERT INTO metric_events (${list}) SELECT ${valuesFromB(
      columns,
      `CASE WHEN ${TRACKED_VISIT} THEN visits.opened_by IS NOT NULL ELSE b.is_unique END`,
    )}
    FROM b LEFT JOIN visits ON visits.opened_by = b.click_id
    RETURNING ts, partner_id, assignment_id, kind, is_unique),
    by_partner AS (INSERT INTO click_rollups (day, partner_id, kind, count)
    SELECT date_trunc('day', ts), COALESCE(partner_id, 0), kind, COUNT(*) FROM inserted GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    ON CONFLICT (day, partner_id, kind) DO UPDATE SET count = click_rollups.count + excluded.count)
    INSERT INTO click_link_rollups (day, assignment_id, partner_id, kind, count, unique_count)
    SELECT date_trunc('day', ts), COALESCE(assignment_id, 0), COALESCE(partner_id, 0), kind, COUNT(*), COUNT(*) FILTER (WHERE is_unique)
    FROM inserted GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4
    ON CONFLICT (day, assignment_id, partner_id, kind) DO UPDATE
    SET count = click_link_rollups.count + excluded.count, unique_count = click_link_rollups.unique_count + excluded.unique_count`,
  )
}

const WITH_SUBIDS = [...EVENT_COLUMNS, ...SUBID_COLUMNS]

// Built once: the batch is the statement's one bound value. Most batches carry
// no partner sub-id, and need not pay for five more columns a row.
const SQLITE = {
  plain: { check: sqliteInsert(EVENT_COLUMNS, true), noCheck: sqliteInsert(EVENT_COLUMNS, false) },
  subids: { check: sqliteInsert(WITH_SUBIDS, true), noCheck: sqliteInsert(WITH_SUBIDS, false) },
}
const POSTGRES = {
  plain: postgresInsert('contentflow_click_batch', EVENT_COLUMNS),
  subids: postgresInsert('contentflow_click_batch_subids', WITH_SUBIDS),
}

const NO_SUBIDS: PartnerSubids = [null, null, null, null, null]

export async function insertClickEvents(
  database: { executeHot: HotStatementRunner; provider: Provider },
  events: readonly ClickEventRow[],
): Promise<void> {
  if (events.length === 0) return
  // At most one candidate per visitor and link in a batch: the database checks
  // each against the visitors' past, not against the batch's own rows.
  let candidates: Set<string> | undefined
  const candidate = (e: ClickEventRow): boolean => {
    if (!e.isUnique || e.kind !== 'click' || e.assignmentId === null || e.visitorHash === null) return e.isUnique
    const key = `${e.assignmentId}|${e.visitorHash}`
    candidates ??= new Set()
    if (candidates.has(key)) return false
    candidates.add(key)
    return true
  }
  const withSubids = events.some((e) => e.subids !== undefined)
  // The events travel as one JSON parameter (json-rows.ts).
  const rows = events.map((e) => {
    const row = [
      e.kind,
      e.ts.getTime(),
      e.partnerId,
      e.assignmentId,
      e.offerId,
      e.clickId,
      e.visitorHash,
      e.userAgent,
      e.referer,
      candidate(e) ? 1 : 0,
    ]
    if (withSubids) row.push(...(e.subids ?? NO_SUBIDS))
    return row
  })
  // One statement, so atomic without a transaction (which cost the ORM as much as
  // the insert itself). SQLite: the metric_events_click_rollup,
  // metric_events_click_link_rollup and metric_events_click_visitor triggers
  // (migrations) count each row into its day and record its visitor; PostgreSQL:
  // the statement's data-modifying CTEs around the insert.
  // It goes around the client (executeHot): the client's path for a raw statement
  // (building and interpreting a query plan for it) cost a third of the batch,
  // for a statement that needs none of it.
  const shape = withSubids ? 'subids' : 'plain'
  const sql = database.provider === 'sqlite' ? SQLITE[shape][candidates ? 'check' : 'noCheck'] : POSTGRES[shape]
  await database.executeHot(sql, JSON.stringify(rows))
}
