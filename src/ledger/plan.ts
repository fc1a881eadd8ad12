// What a batch of conversion reports does to the ledger, decided in memory from
// what the database holds: pure, so every rule is testable without a database.
// Reports are taken in order; several reports on one (network, txn id) in the
// same batch behave exactly as if they had arrived one after the other.
import type { SubId } from '../tracking/subid.ts'
import { decideTransition, type ConversionStatus } from './transitions.ts'

/** A conversion's amount in EUR cents, with what the network sent and the rate applied. */
export interface EurAmount {
  cents: number
  /** The amount as received, normalised ("12,5" → "12.5"). */
  originalAmount: string
  currency: string
  /** The rate applied, as configured ("0.92"; "1" for EUR). */
  rate: string
}

export interface ConversionReport {
  networkId: number
  txnId: string
  status: ConversionStatus
  /** The network's status word, as received. */
  networkWord: string
  /** null: no amount sent (a status update). */
  money: EurAmount | null
  subid: SubId
  /** The log line to complete with the verdict, in the same transaction. */
  postbackLogId: number | null
  replayedAt?: Date
}

/** Why a conversion needs a look (shown under Sécurité); null when clean. */
export type ConversionFlag = 'unknown_partner' | 'unknown_click' | 'click_mismatch' | 'bot_click'

export type ApplyResult =
  | { outcome: 'accepted'; entryId: number; flag: ConversionFlag | null }
  | { outcome: 'updated'; entryId: number; from: ConversionStatus; to: ConversionStatus }
  | { outcome: 'duplicate'; entryId: number; reason: string | null }
  /** Well-formed, but the entry's state refuses it (e.g. rejected → confirmed). */
  | { outcome: 'refused'; entryId: number; reason: string }
  /** Cannot be applied as sent (a new conversion without an amount). */
  | { outcome: 'rejected'; reason: string }

export interface ExistingEntry {
  id: number
  networkId: number
  txnId: string
  status: string
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
  money: EurAmount
}

export interface PlannedUpdate {
  id: number
  /** Status read from the database: the update applies only if it is still this. */
  from: ConversionStatus
  to: ConversionStatus
  /** Latest amount sent with a change, if any. */
  money: EurAmount | null
}

export interface PlannedHistory {
  entry: EntryRef
  fromStatus: ConversionStatus | null
  toStatus: ConversionStatus
  networkWord: string
  amountCents: number | null
  postbackLogId: number | null
}

/** A result whose entry may be one created by the batch (its id known after the insert). */
export type PlannedResult =
  | { outcome: 'accepted'; entry: EntryRef; flag: ConversionFlag | null }
  | { outcome: 'updated'; entry: EntryRef; from: ConversionStatus; to: ConversionStatus }
  | { outcome: 'duplicate'; entry: EntryRef; reason: string | null }
  | { outcome: 'refused'; entry: EntryRef; reason: string }
  | { outcome: 'rejected'; reason: string }

export interface LedgerPlan {
  creates: PlannedCreate[]
  updates: PlannedUpdate[]
  history: PlannedHistory[]
  results: PlannedResult[]
}

export const entryKey = (networkId: number, txnId: string) => `${networkId}\u0000${txnId}`

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
  type Working = { ref: EntryRef; status: ConversionStatus; dbStatus: ConversionStatus | null; money: EurAmount | null }
  const state = new Map<string, Working>()
  for (const e of existing) {
    const status = e.status as ConversionStatus
    state.set(entryKey(e.networkId, e.txnId), { ref: { id: e.id }, status, dbStatus: status, money: null })
  }
  const plan: LedgerPlan = { creates: [], updates: [], history: [], results: [] }

  for (const r of reports) {
    const key = entryKey(r.networkId, r.txnId)
    const current = state.get(key)
    if (!current) {
      if (!r.money) {
        plan.results.push({ outcome: 'rejected', reason: `amount is required for a new conversion (txn ${r.txnId} is unknown)` })
        continue
      }
      const { partnerId, flag } = attribution(r.subid, clicks.get(r.subid.clickId), partners.has(r.subid.partnerId), r.networkId)
      const ref: EntryRef = { create: plan.creates.length }
      plan.creates.push({
        key,
        networkId: r.networkId,
        txnId: r.txnId,
        partnerId,
        flag,
        clickId: r.subid.clickId,
        assignmentId: r.subid.assignmentId,
        status: r.status,
        money: r.money,
      })
      state.set(key, { ref, status: r.status, dbStatus: null, money: r.money })
      plan.history.push({
        entry: ref,
        fromStatus: null,
        toStatus: r.status,
        networkWord: r.networkWord,
        amountCents: r.money.cents,
        postbackLogId: r.postbackLogId,
      })
      plan.results.push({ outcome: 'accepted', entry: ref, flag })
      continue
    }
    const t = decideTransition(current.status, r.status)
    if (t.kind === 'duplicate') plan.results.push({ outcome: 'duplicate', entry: current.ref, reason: null })
    else if (t.kind === 'stale') plan.results.push({ outcome: 'duplicate', entry: current.ref, reason: t.reason })
    else if (t.kind === 'invalid') plan.results.push({ outcome: 'refused', entry: current.ref, reason: t.reason })
    else {
      plan.history.push({
        entry: current.ref,
        fromStatus: current.status,
        toStatus: r.status,
        networkWord: r.networkWord,
        amountCents: r.money?.cents ?? null,
        postbackLogId: r.postbackLogId,
      })
      plan.results.push({ outcome: 'updated', entry: current.ref, from: current.status, to: r.status })
      current.status = r.status
      if (r.money) current.money = r.money
    }
  }

  // One write per entry, with its final state: creates carry it, existing entries get one conditional update.
  for (const w of state.values()) {
    if ('create' in w.ref) {
      const c = plan.creates[w.ref.create]!
      c.status = w.status
      if (w.money) c.money = w.money
    } else if (w.dbStatus !== null && w.status !== w.dbStatus) {
      plan.updates.push({ id: w.ref.id, from: w.dbStatus, to: w.status, money: w.money })
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
    case 'refused':
      return { outcome: 'refused', entryId, reason: r.reason }
  }
}
