// What a batch of conversion reports does to the ledger, decided in memory from
// what the database holds: pure, so every rule is testable without a database.
// Reports are taken in order; several reports on one (network, txn id) in the
// same batch behave exactly as if they had arrived one after the other.
//
// The lifecycle (DESIGN.md "Postback contract"): the network is the source of
// truth for its own conversions. A known conversion takes every status move the
// network reports (transitions.ts) and every new amount: a positive amount
// replaces the entry's (a correction: Impact's "modified"), a negative one is a
// partial return that reduces it, never below 0. Each change is kept in the
// history with the network's word, the amount it sent and where it came from.
// Only two things are refused: a new conversion without an amount, and a return
// on a conversion we do not know.
import type { SubId } from '../tracking/subid.ts'
import { addDecimalsFloorZero, sameDecimal } from './decimal.ts'
import { decideTransition, type ConversionStatus } from './transitions.ts'

/** A conversion's amount in EUR cents, with what the network sent and the rate applied. */
export interface EurAmount {
  /** Negative for a return. */
  cents: number
  /** The amount as received, normalised ("12,5" → "12.5"; a return keeps its minus sign). */
  originalAmount: string
  currency: string
  /** The rate applied, as configured ("0.92"; "1" for EUR). */
  rate: string
}

/** An entry's money as stored: entries booked before original figures were kept have none. */
export interface EntryMoney {
  cents: number
  originalAmount: string | null
  currency: string | null
  rate: string | null
}

/** Where a change to an entry came from (wallet_entry_history.source). */
export const HISTORY_SOURCES = ['postback', 'replay', 'import', 'console'] as const
export type HistorySource = (typeof HISTORY_SOURCES)[number]

export interface ConversionReport {
  networkId: number
  txnId: string
  status: ConversionStatus
  /** The network's status word, as received. */
  networkWord: string
  /** null: no amount sent (a status update). Negative: a partial return. */
  money: EurAmount | null
  subid: SubId
  /** The log line to complete with the verdict, in the same transaction. */
  postbackLogId: number | null
  replayedAt?: Date
  /** Default: "replay" when replayedAt is set, else "postback". */
  source?: HistorySource
}

/** Why a conversion needs a look (shown under Sécurité); null when clean. */
export type ConversionFlag = 'unknown_partner' | 'unknown_click' | 'click_mismatch' | 'bot_click'

/** Why a report cannot be applied as sent. */
export type LedgerRefusal = 'missing_amount' | 'return_without_conversion'

export type ApplyResult =
  | { outcome: 'accepted'; entryId: number; flag: ConversionFlag | null }
  /** A status move, an amount correction or a return (from = to when only the amount changed). */
  | { outcome: 'updated'; entryId: number; from: ConversionStatus; to: ConversionStatus }
  | { outcome: 'duplicate'; entryId: number; reason: string | null }
  /** Cannot be applied as sent: a new conversion without an amount, or a return on an unknown one. */
  | { outcome: 'rejected'; code: LedgerRefusal; reason: string }

export interface ExistingEntry {
  id: number
  networkId: number
  txnId: string
  status: string
  money: EntryMoney
  /** The entry's last history step, read when a return may be a retry of it; undefined: not read. */
  lastChange?: LastChange | null
}

export interface LastChange {
  toStatus: string
  amountCents: number | null
}

export interface KnownClick {
  clickId: string
  partnerId: number | null
  assignmentId: number | null
  kind: string
  /** The network of the click's offer; null when unknown (no offer, or the offer is gone). */
  networkId?: number | null
}

/** An entry as the batch sees it: in the database (id) or to be created (ref). */
export type EntryRef = { id: number } | { create: number }

export interface PlannedCreate {
  key: string
  networkId: number
  txnId: string
  partnerId: number | null
  flag: ConversionFlag | null
  clickId: string
  assignmentId: number
  /** Final state after every report of the batch on this entry. */
  status: ConversionStatus
  money: EntryMoney
}

export interface PlannedUpdate {
  id: number
  /** Status and amount read from the database: the update applies only if they are still these. */
  from: ConversionStatus
  fromCents: number
  to: ConversionStatus
  /** The entry's new money; null: unchanged. */
  money: EntryMoney | null
}

export interface PlannedHistory {
  entry: EntryRef
  fromStatus: ConversionStatus | null
  toStatus: ConversionStatus
  networkWord: string
  /** The amount the report sent, in EUR cents (negative for a return); null: none sent. */
  amountCents: number | null
  source: HistorySource
  postbackLogId: number | null
}

/** A result whose entry may be one created by the batch (its id known after the insert). */
export type PlannedResult =
  | { outcome: 'accepted'; entry: EntryRef; flag: ConversionFlag | null }
  | { outcome: 'updated'; entry: EntryRef; from: ConversionStatus; to: ConversionStatus }
  | { outcome: 'duplicate'; entry: EntryRef; reason: string | null }
  | { outcome: 'rejected'; code: LedgerRefusal; reason: string }

export interface LedgerPlan {
  creates: PlannedCreate[]
  updates: PlannedUpdate[]
  history: PlannedHistory[]
  results: PlannedResult[]
}

export const entryKey = (networkId: number, txnId: string) => `${networkId}\u0000${txnId}`

/** A negative amount: a return (even one that rounds to 0 cents, "-0.001"). */
export function isReturn(money: EurAmount): boolean {
  return money.cents < 0 || money.originalAmount.trimStart().startsWith('-')
}

/** Whether an amount sent is the entry's: the same figure in the same currency, else the same cents. */
export function sameAmount(entry: EntryMoney, sent: EurAmount): boolean {
  if (entry.originalAmount !== null && entry.currency === sent.currency) return sameDecimal(entry.originalAmount, sent.originalAmount)
  return entry.cents === sent.cents
}

/**
 * The entry's money after a return: its cents less the return's, never below 0.
 * The original figure follows when the return is in the sale's currency; in
 * another currency it stays as it was (the history and the log keep the return).
 */
export function afterReturn(entry: EntryMoney, ret: EurAmount): EntryMoney {
  const cents = Math.max(0, entry.cents + ret.cents)
  const original =
    entry.originalAmount !== null && entry.currency === ret.currency ? addDecimalsFloorZero(entry.originalAmount, ret.originalAmount) : null
  return original === null ? { ...entry, cents } : { ...entry, cents, originalAmount: cents === 0 ? zeroLike(original) : original }
}

/** "0" at the scale of `text` ("0.00"): a return that took everything leaves nothing, rounding included. */
function zeroLike(text: string): string {
  const dot = text.indexOf('.')
  return dot < 0 ? '0' : `0.${'0'.repeat(text.length - dot - 1)}`
}

export interface EntryState {
  status: ConversionStatus
  money: EntryMoney
  /** undefined: not known (a return is then never taken for a retry). */
  lastChange?: LastChange | null
}

export type Decision =
  | { kind: 'duplicate'; reason: string | null }
  /** `money`: the entry's new money, null when unchanged. */
  | { kind: 'change'; to: ConversionStatus; money: EntryMoney | null }

/**
 * What one report does to a known conversion. A late pending changes nothing,
 * whatever it carries. A return that repeats the entry's last step (same status,
 * same amount) is the network retrying it, not a second return: networks retry
 * whatever they did not see answered, and a second deduction would be wrong money.
 */
export function decideReport(entry: EntryState, report: Pick<ConversionReport, 'status' | 'money'>): Decision {
  const t = decideTransition(entry.status, report.status)
  if (t.kind === 'stale') return { kind: 'duplicate', reason: t.reason }
  let money: EntryMoney | null = null
  const sent = report.money
  if (sent && isReturn(sent)) {
    const last = entry.lastChange
    const retried = t.kind === 'duplicate' && last?.toStatus === report.status && last.amountCents === sent.cents
    if (!retried && sent.cents !== 0) money = afterReturn(entry.money, sent)
  } else if (sent && !sameAmount(entry.money, sent)) {
    money = { cents: sent.cents, originalAmount: sent.originalAmount, currency: sent.currency, rate: sent.rate }
  }
  if (t.kind === 'duplicate' && money === null) return { kind: 'duplicate', reason: null }
  return { kind: 'change', to: report.status, money }
}

export const sourceOf = (r: Pick<ConversionReport, 'source' | 'replayedAt'>): HistorySource =>
  r.source ?? (r.replayedAt ? 'replay' : 'postback')

/**
 * Who earned it. The click, written before its redirect, normally proves the
 * partner and the link. When it does not, the conversion is still kept (the
 * network will pay for it) with a flag for ops to look at. A click on another
 * network's offer proves nothing about this network's conversion: flagged too.
 */
export function attribution(
  subid: SubId,
  click: KnownClick | undefined,
  partnerExists: boolean,
  networkId?: number,
): { partnerId: number | null; flag: ConversionFlag | null } {
  if (click && click.partnerId === subid.partnerId && click.assignmentId === subid.assignmentId) {
    if (networkId !== undefined && click.networkId != null && click.networkId !== networkId)
      return { partnerId: subid.partnerId, flag: 'click_mismatch' }
    return { partnerId: subid.partnerId, flag: click.kind === 'bot' ? 'bot_click' : null }
  }
  if (!partnerExists) return { partnerId: null, flag: 'unknown_partner' }
  return { partnerId: subid.partnerId, flag: click ? 'click_mismatch' : 'unknown_click' }
}

/** Partners whose existence the plan needs to know: those not proven by their click. */
export function partnersToCheck(reports: readonly ConversionReport[], clicks: ReadonlyMap<string, KnownClick>): number[] {
  const ids = new Set<number>()
  for (const r of reports) {
    const click = clicks.get(r.subid.clickId)
    if (!click || click.partnerId !== r.subid.partnerId || click.assignmentId !== r.subid.assignmentId) ids.add(r.subid.partnerId)
  }
  return [...ids]
}

export function planBatch(
  reports: readonly ConversionReport[],
  existing: readonly ExistingEntry[],
  clicks: ReadonlyMap<string, KnownClick>,
  partners: ReadonlySet<number>,
): LedgerPlan {
  interface Working extends EntryState {
    ref: EntryRef
    /** As read from the database; null for an entry this batch creates. */
    db: { status: ConversionStatus; cents: number } | null
    moneyChanged: boolean
  }
  const state = new Map<string, Working>()
  for (const e of existing) {
    const status = e.status as ConversionStatus
    state.set(entryKey(e.networkId, e.txnId), {
      ref: { id: e.id },
      status,
      money: e.money,
      lastChange: e.lastChange,
      db: { status, cents: e.money.cents },
      moneyChanged: false,
    })
  }
  const plan: LedgerPlan = { creates: [], updates: [], history: [], results: [] }

  for (const r of reports) {
    const key = entryKey(r.networkId, r.txnId)
    const current = state.get(key)
    const source = sourceOf(r)
    if (!current) {
      if (!r.money) {
        plan.results.push({
          outcome: 'rejected',
          code: 'missing_amount',
          reason: `amount is required for a new conversion (txn ${r.txnId} is unknown)`,
        })
        continue
      }
      if (isReturn(r.money)) {
        plan.results.push({
          outcome: 'rejected',
          code: 'return_without_conversion',
          reason: `negative amount for an unknown conversion (txn ${r.txnId}): a return needs the sale it reduces`,
        })
        continue
      }
      const { partnerId, flag } = attribution(r.subid, clicks.get(r.subid.clickId), partners.has(r.subid.partnerId), r.networkId)
      const ref: EntryRef = { create: plan.creates.length }
      const money: EntryMoney = { ...r.money }
      plan.creates.push({
        key,
        networkId: r.networkId,
        txnId: r.txnId,
        partnerId,
        flag,
        clickId: r.subid.clickId,
        assignmentId: r.subid.assignmentId,
        status: r.status,
        money,
      })
      state.set(key, {
        ref,
        status: r.status,
        money,
        lastChange: { toStatus: r.status, amountCents: r.money.cents },
        db: null,
        moneyChanged: false,
      })
      plan.history.push({
        entry: ref,
        fromStatus: null,
        toStatus: r.status,
        networkWord: r.networkWord,
        amountCents: r.money.cents,
        source,
        postbackLogId: r.postbackLogId,
      })
      plan.results.push({ outcome: 'accepted', entry: ref, flag })
      continue
    }
    const d = decideReport(current, r)
    if (d.kind === 'duplicate') {
      plan.results.push({ outcome: 'duplicate', entry: current.ref, reason: d.reason })
      continue
    }
    const amountCents = r.money?.cents ?? null
    plan.history.push({
      entry: current.ref,
      fromStatus: current.status,
      toStatus: d.to,
      networkWord: r.networkWord,
      amountCents,
      source,
      postbackLogId: r.postbackLogId,
    })
    plan.results.push({ outcome: 'updated', entry: current.ref, from: current.status, to: d.to })
    current.status = d.to
    current.lastChange = { toStatus: d.to, amountCents }
    if (d.money) {
      current.money = d.money
      current.moneyChanged = true
    }
  }

  // One write per entry, with its final state: creates carry it, existing entries get one conditional update.
  for (const w of state.values()) {
    if ('create' in w.ref) {
      const c = plan.creates[w.ref.create]!
      c.status = w.status
      c.money = w.money
    } else if (w.db !== null && (w.status !== w.db.status || w.moneyChanged)) {
      plan.updates.push({ id: w.ref.id, from: w.db.status, fromCents: w.db.cents, to: w.status, money: w.moneyChanged ? w.money : null })
    }
  }
  return plan
}

export function resolveResult(r: PlannedResult, idOfCreate: (index: number) => number): ApplyResult {
  if (r.outcome === 'rejected') return r
  const entryId = 'id' in r.entry ? r.entry.id : idOfCreate(r.entry.create)
  switch (r.outcome) {
    case 'accepted':
      return { outcome: 'accepted', entryId, flag: r.flag }
    case 'updated':
      return { outcome: 'updated', entryId, from: r.from, to: r.to }
    case 'duplicate':
      return { outcome: 'duplicate', entryId, reason: r.reason }
  }
}
