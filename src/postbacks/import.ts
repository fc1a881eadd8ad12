// A network's conversion updates as a CSV file (txn_id,status,amount,currency
// and optionally subid), for networks without postbacks or to catch up on
// missed ones. Each line is read as the network's postback would be (its status
// words, its decimal separator, its default currency: receive-postback.ts's
// checkContent), written to the postback log (method IMPORT, the line as raw
// text) with its outcome, and applied by the ledger like a postback (history
// source "import"). Importing a file twice changes nothing the second time.
//
// The log line keeps the file's header row as its query and the line as its
// body, so that a refused line can be replayed (replay.ts) once its cause is
// fixed (a status word mapped, a currency added), read with the same columns.
//
// A dry run gives each line's outcome from the very same apply, inside a
// transaction that is rolled back: nothing is written, not even the log.
import type { Database } from '../db/client.ts'
import type { SqlRunner } from '../db/hot/index.ts'
import { InvalidInput, NotFound } from '../errors.ts'
import { applyPostback, applyPostbacks, type ApplyResult, type ConversionReport } from '../ledger/apply.ts'
import { conversionOf } from '../ledger/conversions.ts'
import type { SubId } from '../tracking/subid.ts'
import { readCsv } from './csv.ts'
import type { PostbackNetwork } from './network-cache.ts'
import type { PostbackParams } from './params.ts'
import { closePostbackLog } from './postback-log.ts'
import { checkContent, verdictOf, type CheckedReport, type PostbackContext, type Verdict } from './receive-postback.ts'
import { recordPostbackBatch, type BatchItem } from './record-batch.ts'

export const MAX_IMPORT_BYTES = 5 * 1024 * 1024
export const MAX_IMPORT_LINES = 50_000
export const IMPORT_METHOD = 'IMPORT'
export const UNKNOWN_WITHOUT_SUBID = 'unknown txn_id and no subid'

const REQUIRED = ['txn_id', 'status', 'amount', 'currency'] as const
const OPTIONAL = ['subid'] as const
type Column = (typeof REQUIRED)[number] | (typeof OPTIONAL)[number]

/** Lines applied per ledger transaction. */
const CHUNK = 500

/** Stands in for a missing subid on a conversion the ledger already knows (it is not read for an update). */
const NO_SUBID: SubId = { partnerId: 0, assignmentId: 0, clickId: '' }

export interface ImportLineOutcome {
  line: number
  outcome: 'applied' | 'duplicate' | 'refused'
  reason: string | null
  entryId: number | null
}

export interface ImportResult {
  applied: number
  duplicates: number
  refused: { line: number; reason: string }[]
  /** Each line's outcome, in file order. */
  lines: ImportLineOutcome[]
}

export interface ImportContext {
  database: Pick<Database, 'prisma' | 'provider' | 'sql'>
  fxRates: Record<string, string>
}

interface Line {
  line: number
  raw: string
  /** The header row as written. */
  header: string
  /** Refused before the ledger. */
  refusal: Verdict | null
  report: CheckedReport | null
}

/** The file's lines, each checked as its network's postback; throws InvalidInput for a file that cannot be read at all. */
export async function checkImportFile(ctx: ImportContext, network: PostbackNetwork, text: string): Promise<Line[]> {
  // PostgreSQL text cannot hold NUL: refused whole, before any line is logged.
  if (text.includes('\u0000')) throw new InvalidInput('the file contains a NUL character')
  const read = readCsv(text.startsWith('\uFEFF') ? text.slice(1) : text, MAX_IMPORT_LINES + 1)
  if (!read.ok) throw new InvalidInput(read.reason)
  const [header, ...rows] = read.records
  if (!header) throw new InvalidInput('empty file: a header row is required (txn_id,status,amount,currency[,subid])')
  if (rows.length > MAX_IMPORT_LINES) throw new InvalidInput(`too many lines: at most ${String(MAX_IMPORT_LINES)} per file`)
  const columns = header.fields.map((f) => f.trim().toLowerCase())
  const known = new Set<string>([...REQUIRED, ...OPTIONAL])
  for (const c of columns) if (!known.has(c)) throw new InvalidInput(`unknown column "${c.slice(0, 32)}" in the header`)
  if (new Set(columns).size !== columns.length) throw new InvalidInput('a column is named twice in the header')
  for (const c of REQUIRED) if (!columns.includes(c)) throw new InvalidInput(`missing column "${c}" in the header`)

  const lines: Line[] = []
  const subidOf = new Map<string, SubId>()
  for (const row of rows) {
    const base = { line: row.line, raw: row.raw, header: header.raw, report: null }
    if (row.fields.length !== columns.length) {
      lines.push({ ...base, refusal: refusal(`expected ${String(columns.length)} columns, got ${String(row.fields.length)}`) })
      continue
    }
    const params: PostbackParams = { network: network.slug }
    columns.forEach((c, k) => {
      const value = row.fields[k]!.trim()
      if (value !== '') params[c as Column] = value
    })
    const checked = checkContent(ctx, network, params, NO_SUBID)
    if ('verdict' in checked) {
      lines.push({ ...base, refusal: checked.verdict })
      continue
    }
    let report: CheckedReport = { ...checked.report, source: 'import' }
    if (params.subid === undefined) {
      // Named earlier in the file with its subid: the same conversion, the same click.
      const earlier = subidOf.get(report.txnId)
      if (earlier) report = { ...report, subid: earlier }
      else if (!(await isKnown(ctx, network.slug, report.txnId))) {
        lines.push({ ...base, refusal: refusal(UNKNOWN_WITHOUT_SUBID) })
        continue
      }
    } else if (!subidOf.has(report.txnId)) subidOf.set(report.txnId, report.subid)
    lines.push({ ...base, refusal: null, report })
  }
  return lines
}

const refusal = (reason: string): Verdict => ({ outcome: 'rejected', code: 'unreadable', reason, entryId: null })

async function isKnown(ctx: ImportContext, slug: string, txnId: string): Promise<boolean> {
  try {
    await conversionOf(ctx.database, slug, txnId)
    return true
  } catch (err) {
    if (err instanceof NotFound) return false
    throw err
  }
}

/** Checks, logs and applies every line; `dryRun`: the same apply, rolled back, nothing logged. */
export async function importConversions(
  ctx: ImportContext,
  network: PostbackNetwork,
  text: string,
  options: { dryRun: boolean },
): Promise<ImportResult> {
  const lines = await checkImportFile(ctx, network, text)
  const verdicts: Verdict[] = []
  if (options.dryRun) verdicts.push(...(await preview(ctx, lines)))
  else
    for (let from = 0; from < lines.length; from += CHUNK) verdicts.push(...(await record(ctx, network, lines.slice(from, from + CHUNK))))
  const result: ImportResult = { applied: 0, duplicates: 0, refused: [], lines: [] }
  lines.forEach((l, i) => {
    const v = verdicts[i]!
    const outcome = v.outcome === 'accepted' || v.outcome === 'updated' ? 'applied' : v.outcome === 'duplicate' ? 'duplicate' : 'refused'
    if (outcome === 'applied') result.applied++
    else if (outcome === 'duplicate') result.duplicates++
    else result.refused.push({ line: l.line, reason: v.reason ?? v.outcome })
    result.lines.push({ line: l.line, outcome, reason: v.reason, entryId: v.entryId })
  })
  return result
}

async function record(ctx: ImportContext, network: PostbackNetwork, lines: readonly Line[]): Promise<Verdict[]> {
  const items: BatchItem[] = lines.map((l) => ({
    received: {
      method: IMPORT_METHOD,
      rawQuery: l.header,
      rawBody: l.raw,
      sourceIp: null,
      networkSlug: network.slug,
      ...(l.refusal ? { verdict: { outcome: l.refusal.outcome, reason: l.refusal.reason } } : {}),
    },
    report: l.report,
  }))
  const recorded = await recordPostbackBatch(ctx.database, items)
  return recorded.map((r, i) => {
    const refused = lines[i]!.refusal
    if (refused) return refused
    if (!r.result) throw r.error instanceof Error ? r.error : new Error('import: a line could not be applied')
    return verdictOf(r.result)
  })
}

class Rollback extends Error {}

/**
 * Each line's outcome from the very apply, rolled back. A transaction's lines
 * go to the same batch (its later lines see its earlier ones, as on import),
 * and batches stay small: a dry run holds no lock for long.
 */
async function preview(ctx: ImportContext, lines: readonly Line[]): Promise<Verdict[]> {
  const byTxn = new Map<string, number[]>()
  lines.forEach((l, i) => {
    if (!l.report) return
    const group = byTxn.get(l.report.txnId)
    if (group) group.push(i)
    else byTxn.set(l.report.txnId, [i])
  })
  const verdicts: (Verdict | null)[] = lines.map((l) => l.refusal)
  let batch: number[] = []
  const run = async () => {
    const results = await rolledBack(
      ctx,
      batch.map((i) => ({ ...lines[i]!.report!, postbackLogId: null })),
    )
    batch.forEach((i, k) => (verdicts[i] = verdictOf(results[k]!)))
    batch = []
  }
  for (const group of byTxn.values()) {
    batch.push(...group)
    if (batch.length >= CHUNK) await run()
  }
  if (batch.length > 0) await run()
  return verdicts.map((v) => v!)
}

async function rolledBack(ctx: ImportContext, reports: ConversionReport[]): Promise<ApplyResult[]> {
  let results: ApplyResult[] = []
  try {
    await ctx.database.sql.transaction(async (tx: SqlRunner) => {
      // The apply's own transaction runs inside this one, which is then rolled back.
      const inner = {
        query: tx.query.bind(tx),
        execute: tx.execute.bind(tx),
        transaction: <T>(work: (t: SqlRunner) => Promise<T>) => work(tx),
      }
      results = await applyPostbacks({ sql: inner, provider: ctx.database.provider }, reports)
      throw new Rollback()
    })
  } catch (err) {
    if (!(err instanceof Rollback)) throw err
  }
  return results
}

/**
 * Replays an imported line from its log line (header row as query, line as
 * body): read and applied as on import, its verdict written onto the same line.
 */
export async function replayImportedLine(
  ctx: PostbackContext,
  log: { id: number; rawQuery: string; rawBody: string | null; networkSlug: string | null },
  replayedAt: Date,
): Promise<Verdict> {
  const network = log.networkSlug === null ? null : await ctx.networks(log.networkSlug)
  let verdict: Verdict
  if (!network) verdict = refusal(`unknown network "${(log.networkSlug ?? '').slice(0, 64)}"`)
  else {
    let lines: Line[]
    try {
      lines = await checkImportFile(ctx, network, `${log.rawQuery}\n${log.rawBody ?? ''}`)
    } catch (err) {
      if (!(err instanceof InvalidInput)) throw err
      lines = [{ line: 2, raw: log.rawBody ?? '', header: log.rawQuery, refusal: refusal(err.message), report: null }]
    }
    const l = lines[0] ?? { refusal: refusal('empty line'), report: null }
    if (l.report) {
      try {
        return verdictOf(await applyPostback(ctx.database, { ...l.report, postbackLogId: log.id, replayedAt }))
      } catch (err) {
        // Rolled back: the line keeps a fault, and a later replay picks it up.
        ctx.onError?.(err, 'postback apply')
        verdict = { outcome: 'error', code: 'internal', reason: 'internal error, retry later', entryId: null }
      }
    } else verdict = l.refusal ?? refusal('empty line')
  }
  await closePostbackLog(ctx.database, log.id, { outcome: verdict.outcome, reason: verdict.reason, entryId: verdict.entryId, replayedAt })
  return verdict
}
