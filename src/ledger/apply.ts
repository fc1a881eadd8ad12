// Applies validated conversion reports to the ledger: a whole batch in ONE
// transaction (a handful of statements whatever its size), with the history of
// every change carrying the network's own word, and each report's verdict written
// into its postback log line in the same transaction (the log can never disagree
// with the ledger). The rules are in plan.ts; this file reads and writes
// (src/db/queries/wallet-entries.ts, attribution.ts, postback-logs.ts).
//
// Idempotency comes from the database, not from this process: (network_id,
// txn_id) is unique, so when concurrent identical postbacks (from one instance or
// several) all find no entry and all insert, exactly one insert wins; the others
// fail with a unique violation, their transaction is rolled back and the batch
// runs again, now finding the entry (a duplicate). A change is a conditional
// update (WHERE status and amount = those read): a concurrent change makes it
// match nothing, and the batch runs again on fresh data.
//
// Money: the plan works on what the network pays (the revenue). Each entry earns
// by the commission terms in force when it was first booked (src/terms), stored
// on it, so a later change of terms never touches it: a correction or a return
// changes the revenue and the earnings follow the entry's own terms.
import type { Database } from '../db/client.ts'
import { isTransientConflict, isUniqueViolation } from '../db/errors.ts'
import type { SqlRunner } from '../db/hot/index.ts'
import type { Provider } from '../db/provider.ts'
import { clicksForAttribution, existingPartnerIds } from '../db/queries/attribution.ts'
import { writePostbackVerdicts, type PostbackLogVerdict } from '../db/queries/postback-logs.ts'
import { termsOfLinks } from '../db/queries/commission-terms.ts'
import {
  entriesByKey,
  insertConversionEntries,
  insertEntryHistory,
  lastHistorySteps,
  updateEntryStatus,
} from '../db/queries/wallet-entries.ts'
import {
  decideReport,
  entryKey,
  isReturn,
  partnersToCheck,
  planBatch,
  resolveResult,
  type ApplyResult,
  type ConversionReport,
  type Decision,
  type ExistingEntry,
  type KnownClick,
} from './plan.ts'
import type { ConversionStatus } from './transitions.ts'
import { conversionEarnings, termsInForce, termsOfEntry, type Terms, type TermsMode } from '../terms/rules.ts'

export type { ApplyResult, ConversionFlag, ConversionReport, HistorySource, LedgerRefusal } from './plan.ts'

class ConcurrentChange extends Error {}

const MAX_ATTEMPTS = 5

export async function applyPostbacks(
  database: Pick<Database, 'sql' | 'provider'>,
  reports: readonly ConversionReport[],
): Promise<ApplyResult[]> {
  if (reports.length === 0) return []
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.sql.transaction((tx) => applyBatch(tx, database.provider, reports))
    } catch (err) {
      const retry = err instanceof ConcurrentChange || isUniqueViolation(err) || isTransientConflict(err)
      if (!retry || attempt >= MAX_ATTEMPTS) throw err
    }
  }
}

export async function applyPostback(database: Pick<Database, 'sql' | 'provider'>, report: ConversionReport): Promise<ApplyResult> {
  return (await applyPostbacks(database, [report]))[0]!
}

/** The conversions these reports name, by (network, txn id): one indexed probe each, one statement. */
function entriesOn(
  db: SqlRunner,
  provider: Provider,
  reports: readonly Pick<ConversionReport, 'networkId' | 'txnId'>[],
): Promise<(ExistingEntry & { terms: { mode: string | null; value: number | null } })[]> {
  const keys = new Map<string, { networkId: number; txnId: string }>()
  for (const r of reports) keys.set(entryKey(r.networkId, r.txnId), { networkId: r.networkId, txnId: r.txnId })
  return entriesByKey(db, provider, [...keys.values()])
}

async function applyBatch(tx: SqlRunner, provider: Provider, reports: readonly ConversionReport[]): Promise<ApplyResult[]> {
  const existing = await entriesOn(tx, provider, reports)
  const known = new Set(existing.map((e) => entryKey(e.networkId, e.txnId)))
  // A return on a known entry is checked against the entry's last step (a retry is not a second return): read only then.
  const returning = new Set(reports.flatMap((r) => (r.money && isReturn(r.money) ? [entryKey(r.networkId, r.txnId)] : [])))
  const checked = existing.filter((e) => returning.has(entryKey(e.networkId, e.txnId)))
  if (checked.length > 0) {
    const last = await lastHistorySteps(
      tx,
      checked.map((e) => e.id),
    )
    for (const e of checked) e.lastChange = last.get(e.id) ?? null
  }
  // Attribution is needed only for reports that may create an entry.
  const creating = reports.filter((r) => !known.has(entryKey(r.networkId, r.txnId)))
  const clicks = new Map<string, KnownClick>()
  let partners = new Set<number>()
  if (creating.length > 0) {
    for (const c of await clicksForAttribution(tx, provider, [...new Set(creating.map((r) => r.subid.clickId))])) clicks.set(c.clickId, c)
    partners = await existingPartnerIds(tx, provider, partnersToCheck(creating, clicks))
  }
  const plan = planBatch(reports, existing, clicks, partners)
  const now = new Date()
  const termsOfExisting = new Map(existing.map((e) => [e.id, termsOfEntry(e.terms.mode, e.terms.value)]))
  const newTerms = await termsForCreates(tx, plan.creates, now)

  const idByKey = await insertConversionEntries(
    tx,
    provider,
    plan.creates.map((c, i) => ({
      partnerId: c.partnerId,
      status: c.status,
      amountCents: conversionEarnings(newTerms[i]!, c.money.cents),
      revenueCents: c.money.cents,
      termsMode: newTerms[i]!.mode,
      termsValue: newTerms[i]!.value,
      originalAmount: c.money.originalAmount,
      originalCurrency: c.money.currency,
      fxRate: c.money.rate,
      networkId: c.networkId,
      txnId: c.txnId,
      clickId: c.clickId,
      assignmentId: c.assignmentId,
      flag: c.flag,
    })),
    now,
    entryKey,
  )
  const createdIds = plan.creates.map((c) => idByKey.get(c.key)!)
  const idOf = (index: number) => createdIds[index]!

  for (const u of plan.updates) {
    // A report without an amount leaves the money as it was.
    const money = u.money && { ...u.money, earningsCents: conversionEarnings(termsOfExisting.get(u.id)!, u.money.cents) }
    const changed = await updateEntryStatus(tx, { id: u.id, from: u.from, fromCents: u.fromCents, to: u.to, money, now })
    if (changed !== 1) throw new ConcurrentChange()
  }

  await insertEntryHistory(
    tx,
    provider,
    plan.history.map((h) => ({
      entryId: 'id' in h.entry ? h.entry.id : idOf(h.entry.create),
      fromStatus: h.fromStatus,
      toStatus: h.toStatus,
      networkWord: h.networkWord,
      amountCents: h.amountCents,
      source: h.source,
      postbackLogId: h.postbackLogId,
    })),
    now,
  )

  const results = plan.results.map((r) => resolveResult(r, idOf))
  // Each report's verdict into its log line, in the same transaction: the log can never disagree with the ledger.
  const verdicts: PostbackLogVerdict[] = []
  reports.forEach((r, i) => {
    if (r.postbackLogId === null) return
    verdicts.push({ logId: r.postbackLogId, ...logVerdictOf(results[i]!), replayedAt: r.replayedAt })
  })
  await writePostbackVerdicts(tx, provider, verdicts)
  return results
}

/** The terms in force now for each new conversion's (partner, offer of its link); revshare 100 % without any. */
async function termsForCreates(
  tx: SqlRunner,
  creates: readonly { partnerId: number | null; assignmentId: number }[],
  now: Date,
): Promise<Terms[]> {
  if (creates.length === 0) return []
  const { offerOf, rows } = await termsOfLinks(tx, [...new Set(creates.map((c) => c.assignmentId))])
  const typed = rows.map((r) => ({ ...r, mode: r.mode as TermsMode }))
  return creates.map((c) => {
    const offerId = offerOf.get(c.assignmentId)
    return offerId === undefined ? termsInForce([], 0, null, now) : termsInForce(typed, offerId, c.partnerId, now)
  })
}

/** A ledger result as the postback log words it (an accepted one keeps its flag as reason). */
export function logVerdictOf(r: ApplyResult): Pick<PostbackLogVerdict, 'outcome' | 'reason' | 'entryId'> {
  return {
    outcome: r.outcome,
    reason: 'reason' in r ? r.reason : 'flag' in r ? r.flag : null,
    entryId: 'entryId' in r ? r.entryId : null,
  }
}

/**
 * Reports that change nothing, answered from the same indexed read the ledger
 * would make: a conversion that already has the reported status and amount (or a
 * decided one, for a late "pending"). A return always goes to the ledger (only
 * there is it checked against the entry's last step). A transaction named several times is answered so only
 * when every one of its reports is a repeat: a repeat changes nothing, so each
 * would meet the same status in the ledger too. By report index; null reports
 * (refused before the ledger) are skipped.
 */
export async function knownRepeats(
  database: Pick<Database, 'sql' | 'provider'>,
  reports: readonly (Pick<ConversionReport, 'networkId' | 'txnId' | 'status' | 'money'> | null)[],
): Promise<Map<number, Extract<ApplyResult, { outcome: 'duplicate' }>>> {
  const byTransaction = new Map<string, number[]>()
  reports.forEach((r, i) => {
    if (!r) return
    const key = entryKey(r.networkId, r.txnId)
    const group = byTransaction.get(key)
    if (group) group.push(i)
    else byTransaction.set(key, [i])
  })
  const repeats = new Map<number, Extract<ApplyResult, { outcome: 'duplicate' }>>()
  if (byTransaction.size === 0) return repeats
  const existing = await entriesOn(
    database.sql,
    database.provider,
    [...byTransaction.values()].map((indexes) => reports[indexes[0]!]!),
  )
  for (const entry of existing) {
    const indexes = byTransaction.get(entryKey(entry.networkId, entry.txnId))!
    const state = { status: entry.status as ConversionStatus, money: entry.money }
    const verdicts = indexes.map((i) => decideReport(state, reports[i]!))
    if (!verdicts.every((d): d is Extract<Decision, { kind: 'duplicate' }> => d.kind === 'duplicate')) continue
    verdicts.forEach((d, k) => repeats.set(indexes[k]!, { outcome: 'duplicate', entryId: entry.id, reason: d.reason }))
  }
  return repeats
}
