// The postbacks of one event-loop turn, recorded together (the tracking plugin's
// group commit): their log lines in one statement, committed first, then their
// ledger writes in one transaction. A failed ledger batch is retried one report at
// a time, so one bad report cannot fail its neighbours.
//
// Known repeats skip the ledger transaction: a report whose conversion already
// exists with the status it reports (or a later one, for a late "pending")
// changes nothing, so it is answered from the same indexed read the ledger would
// make, and its log line is written with its verdict at once. A transaction
// named several times in the batch (a network retrying while the first answer is
// on its way) is answered so only when every one of its reports is a repeat: a
// repeat changes nothing, so each would meet the same status in the ledger too.
// Otherwise its reports are planned together by the ledger, in order.
import type { Database } from '../db/client.ts'
import { applyPostback, applyPostbacks, findEntries, type ApplyResult } from './apply-postback.ts'
import { entryKey } from './ledger-plan.ts'
import { insertPostbackLogs, type ReceivedPostback } from './postback-log.ts'
import type { CheckedReport, Recorded } from './receive-postback.ts'
import { decideTransition } from './transitions.ts'

export interface BatchItem {
  received: ReceivedPostback
  report: CheckedReport | null
}

export interface BatchLogger {
  warn(obj: object, msg: string): void
}

export async function recordPostbackBatch(
  database: Pick<Database, 'sql' | 'provider'>,
  items: readonly BatchItem[],
  log?: BatchLogger,
): Promise<Recorded[]> {
  const byTransaction = reportsByTransaction(items)
  const existing = await findEntries(
    database.sql,
    database.provider,
    [...byTransaction.values()].map((indexes) => items[indexes[0]!]!.report!),
  )
  const repeats = new Map<number, Extract<ApplyResult, { outcome: 'duplicate' }>>()
  for (const entry of existing) {
    const indexes = byTransaction.get(entryKey(entry.networkId, entry.txnId))!
    const verdicts = indexes.map((i) => decideTransition(entry.status as CheckedReport['status'], items[i]!.report!.status))
    if (!verdicts.every((t) => t.kind === 'duplicate' || t.kind === 'stale')) continue
    verdicts.forEach((t, k) =>
      repeats.set(indexes[k]!, { outcome: 'duplicate', entryId: entry.id, reason: t.kind === 'stale' ? t.reason : null }),
    )
  }
  const received = items.map((item, i) => {
    const r = repeats.get(i)
    return r ? { ...item.received, verdict: { outcome: 'duplicate' as const, reason: r.reason, entryId: r.entryId } } : item.received
  })
  const logIds = await insertPostbackLogs(database.sql, database.provider, received)

  const applying = items.flatMap((item, i) =>
    item.report && !repeats.has(i) ? [{ index: i, report: { ...item.report, postbackLogId: logIds[i]! } }] : [],
  )
  const results = new Map<number, ApplyResult | Error>(repeats)
  const reports = applying.map((a) => a.report)
  let outcomes: Array<ApplyResult | Error>
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

/** The item indexes of each transaction's reports, in arrival order. */
function reportsByTransaction(items: readonly BatchItem[]): Map<string, number[]> {
  const groups = new Map<string, number[]>()
  items.forEach((item, i) => {
    if (!item.report) return
    const key = entryKey(item.report.networkId, item.report.txnId)
    const group = groups.get(key)
    if (group) group.push(i)
    else groups.set(key, [i])
  })
  return groups
}
