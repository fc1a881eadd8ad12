// The postback log as the console shows it (/admin/postbacks): a filtered list,
// newest first, by keyset pages (never OFFSET: every filter has its index, see
// prisma/schema.prisma), and one line whole. Replays from the page: console-replay.ts.
import type { Database } from '../db/client.ts'
import {
  POSTBACK_OUTCOMES,
  postbackLogById,
  postbackLogPage,
  txnIdsOfEntries,
  type PostbackLogFilter,
  type PostbackLogKey,
  type PostbackLogOutcome,
} from '../db/queries/postback-logs.ts'
import { InvalidInput, NotFound } from '../errors.ts'
import { outcomeLabel } from '../console/labels.ts'
import { DAY_MS } from '../time.ts'
import { readCsv } from './csv.ts'
import { IMPORT_METHOD } from './import.ts'
import { loadPostbackNetwork } from './network-cache.ts'
import { readPostbackParams, type FieldMap } from './params.ts'
import { MAX_REPLAY_SELECTION, whyNotReplayable } from './console-replay.ts'
import { REPLAYABLE, STUCK_AFTER_MS } from './replay.ts'
import { isTruncated } from './unauthenticated-log.ts'

export const LOG_PAGE_SIZE = 50

export { POSTBACK_OUTCOMES }

/** The list's filters as the page's form sends them (all text; blank means no filter). */
export interface LogQuery {
  outcome?: string
  reason?: string
  network?: string
  source?: string
  from?: string
  to?: string
  /** The keyset cursor: "<received_at ms>.<id>" of the previous page's last line. */
  after?: string
  /** The lines of a replay ("12.13.14"), to show their outcome. */
  lines?: string
}

export type LogFilter = PostbackLogFilter

const DAY = /^\d{4}-\d{2}-\d{2}$/
const MAX_ID = 2_147_483_647

const text = (v: unknown, max: number): string | undefined => {
  if (typeof v !== 'string') return undefined
  const t = v.trim()
  return t === '' ? undefined : t.slice(0, max)
}

function dayOf(value: string, what: string): Date {
  const ms = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : NaN
  if (Number.isNaN(ms)) throw new InvalidInput(`${what} : date invalide (jj/mm/aaaa)`)
  return new Date(ms)
}

/** The filter a query names; throws InvalidInput (in French, for the page) on a bad value. */
export function logFilterOf(query: LogQuery): LogFilter {
  const filter: LogFilter = {}
  const outcome = text(query.outcome, 16)
  if (outcome !== undefined) {
    if (!(POSTBACK_OUTCOMES as readonly string[]).includes(outcome)) throw new InvalidInput(`Résultat inconnu : « ${outcome} »`)
    filter.outcome = outcome as PostbackLogOutcome
  }
  const reason = text(query.reason, 500)
  if (reason !== undefined) filter.reason = reason
  const network = text(query.network, 64)
  if (network !== undefined) filter.networkSlug = network
  const source = text(query.source, 64)
  if (source !== undefined) filter.sourceIp = source
  const from = text(query.from, 10)
  if (from !== undefined) filter.from = dayOf(from, 'Du')
  const to = text(query.to, 10)
  // "au" is a whole day: up to its end.
  if (to !== undefined) filter.to = new Date(dayOf(to, 'Au').getTime() + DAY_MS)
  if (filter.from && filter.to && filter.from >= filter.to) throw new InvalidInput('La date de début est après la date de fin')
  const lines = text(query.lines, 6_000)
  if (lines !== undefined) {
    const ids = lines.split('.').map(Number)
    if (ids.length > MAX_REPLAY_SELECTION || ids.some((id) => !Number.isInteger(id) || id <= 0 || id > MAX_ID))
      throw new InvalidInput('Liste de lignes invalide')
    filter.ids = ids
  }
  return filter
}

/** The cursor of a page ("<ms>.<id>"), or null; throws InvalidInput when it is not one. */
export function cursorOf(after: string | undefined): PostbackLogKey | null {
  if (after === undefined || after === '') return null
  const m = /^(\d{1,15})\.(\d{1,10})$/.exec(after)
  const id = m ? Number(m[2]) : 0
  if (!m || id <= 0 || id > MAX_ID) throw new InvalidInput('Page invalide : revenez à la première page')
  return { receivedAt: new Date(Number(m[1])), id }
}

const cursorText = (key: PostbackLogKey) => `${String(key.receivedAt.getTime())}.${String(key.id)}`

/** The query string of a filter (for links and the selection's replay form), without the cursor. */
export function queryOfFilter(query: LogQuery): URLSearchParams {
  const q = new URLSearchParams()
  for (const k of ['outcome', 'reason', 'network', 'source', 'from', 'to', 'lines'] as const) {
    const v = text(query[k], k === 'lines' ? 6_000 : 500)
    if (v !== undefined) q.set(k, v)
  }
  return q
}

type LogLine = NonNullable<Awaited<ReturnType<typeof postbackLogById>>>

export interface LogRow {
  id: number
  receivedAt: Date
  replayedAt: Date | null
  method: string
  networkSlug: string | null
  sourceIp: string | null
  outcome: string
  outcomeLabel: string
  reason: string | null
  txnId: string | null
  entryId: number | null
  /** What a replay would do with it: true when it takes it. */
  replayable: boolean
}

/** True when a replay takes this line (replay.ts's rule: its outcomes, or stuck; never truncated). */
export function isReplayable(line: Pick<LogLine, 'outcome' | 'receivedAt' | 'rawQuery' | 'rawBody'>, now: Date): boolean {
  const stuck = line.outcome === 'received' && line.receivedAt.getTime() < now.getTime() - STUCK_AFTER_MS
  if (!stuck && !REPLAYABLE.includes(line.outcome as PostbackLogOutcome)) return false
  return !isTruncated(line.rawQuery) && !isTruncated(line.rawBody)
}

/** The txn id the request names, read as its network reads it (display only: nothing is decided on it). */
function txnIdInRequest(line: LogLine, fieldMap: FieldMap | null): string | null {
  try {
    if (line.method === IMPORT_METHOD) {
      const read = readCsv(`${line.rawQuery}\n${line.rawBody ?? ''}`, 2)
      if (!read.ok || read.records.length < 2) return null
      const column = read.records[0]!.fields.findIndex((f) => f.trim().toLowerCase() === 'txn_id')
      return column === -1 ? null : (read.records[1]!.fields[column]?.trim() ?? null) || null
    }
    const bodyKind = line.rawBody === null ? null : line.rawBody.trimStart().startsWith('{') ? 'json' : 'form'
    return readPostbackParams(line.rawQuery, line.rawBody, bodyKind, fieldMap).params.txn_id ?? null
  } catch {
    return null
  }
}

async function rowsOf(database: Pick<Database, 'prisma'>, lines: LogLine[], now: Date): Promise<LogRow[]> {
  const entryTxn = await txnIdsOfEntries(
    database,
    lines.flatMap((l) => (l.entryId === null ? [] : [l.entryId])),
  )
  // Field maps of the networks whose lines name no entry (a few per page).
  const maps = new Map<string, FieldMap | null>()
  for (const l of lines)
    if (l.entryId === null && l.networkSlug !== null && !maps.has(l.networkSlug))
      maps.set(l.networkSlug, (await loadPostbackNetwork(database, l.networkSlug))?.fieldMap ?? null)
  return lines.map((l) => ({
    id: l.id,
    receivedAt: l.receivedAt,
    replayedAt: l.replayedAt,
    method: l.method,
    networkSlug: l.networkSlug,
    sourceIp: l.sourceIp,
    outcome: l.outcome,
    outcomeLabel: outcomeLabel(l.outcome),
    reason: l.reason,
    txnId: (l.entryId !== null ? entryTxn.get(l.entryId) : undefined) ?? txnIdInRequest(l, maps.get(l.networkSlug ?? '') ?? null),
    entryId: l.entryId,
    replayable: isReplayable(l, now),
  }))
}

export interface LogPage {
  rows: LogRow[]
  /** The next page's cursor; null on the last page. */
  next: string | null
}

/** One page of the log, newest first. */
export async function postbackLogList(
  database: Pick<Database, 'prisma'>,
  filter: LogFilter,
  after: PostbackLogKey | null,
  now = new Date(),
): Promise<LogPage> {
  const lines = await postbackLogPage(database, filter, after, LOG_PAGE_SIZE + 1)
  const page = lines.slice(0, LOG_PAGE_SIZE)
  const last = page[page.length - 1]
  return {
    rows: await rowsOf(database, page, now),
    next: lines.length > LOG_PAGE_SIZE && last ? cursorText({ receivedAt: last.receivedAt, id: last.id }) : null,
  }
}

export interface LogDetail {
  line: LogLine
  row: LogRow
  /** Why a replay would not take it (null when it would). */
  notReplayable: string | null
}

/** One line whole: its raw request (token masked as stored), verdict, entry. */
export async function postbackLogDetail(database: Pick<Database, 'prisma'>, id: number, now = new Date()): Promise<LogDetail> {
  const line = await postbackLogById(database, id)
  if (!line) throw new NotFound(`Ligne de journal #${String(id)} introuvable`)
  const [row] = await rowsOf(database, [line], now)
  const truncated = isTruncated(line.rawQuery) || isTruncated(line.rawBody)
  const notReplayable = row!.replayable ? null : whyNotReplayable(line.outcome, truncated)
  return { line, row: row!, notReplayable }
}
