// The postbacks of one event-loop turn, recorded together (the tracking plugin's
// group commit): their log lines in one statement, committed first, then their
// ledger writes in one transaction (src/ledger/apply.ts). A failed ledger batch is
// retried one report at a time, so one bad report cannot fail its neighbours.
//
// Known repeats skip the ledger transaction (the ledger's knownRepeats): their
// log line is written with its verdict at once.
import type { Database } from '../db/client.ts'
import { applyPostback, applyPostbacks, knownRepeats, type ApplyResult, type ConversionReport } from '../ledger/apply.ts'
import { openPostbackLogs, type ReceivedPostback } from './postback-log.ts'

/** A report that passed every check, before its log line exists. */
export type CheckedReport = Omit<ConversionReport, 'postbackLogId'>

export interface BatchItem {
  received: ReceivedPostback
  report: CheckedReport | null
}

/** What recording a postback gave: its log line, and the ledger's answer or failure. */
export interface Recorded {
  logId: number
  result: ApplyResult | null
  error?: unknown
}

export interface BatchLogger {
  warn(obj: object, msg: string): void
}

export async function recordPostbackBatch(
  database: Pick<Database, 'sql' | 'provider'>,
  items: readonly BatchItem[],
  log?: BatchLogger,
): Promise<Recorded[]> {
  const repeats = await knownRepeats(
    database,
    items.map((item) => item.report),
  )
  const received = items.map((item, i) => {
    const r = repeats.get(i)
    return r ? { ...item.received, verdict: { outcome: 'duplicate' as const, reason: r.reason, entryId: r.entryId } } : item.received
  })
  const logIds = await openPostbackLogs(database, received)

  const applying = items.flatMap((item, i) =>
    item.report && !repeats.has(i) ? [{ index: i, report: { ...item.report, postbackLogId: logIds[i]! } }] : [],
  )
  const results = new Map<number, ApplyResult | Error>(repeats)
  const reports = applying.map((a) => a.report)
  let outcomes: (ApplyResult | Error)[]
  try {
    outcomes = await applyPostbacks(database, reports)
  } catch (err) {
    if (reports.length > 1) log?.warn({ err, reports: reports.length }, 'postback batch failed: applying its reports one by one')
    outcomes = []
    for (const r of reports)
      outcomes.push(await applyPostback(database, r).catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))))
  }
  applying.forEach((a, k) => results.set(a.index, outcomes[k]!))
  return items.map((_, i): Recorded => {
    const r = results.get(i)
    return r instanceof Error ? { logId: logIds[i]!, result: null, error: r } : { logId: logIds[i]!, result: r ?? null }
  })
}
