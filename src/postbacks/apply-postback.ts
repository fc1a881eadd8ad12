// Applies one validated conversion report to the ledger, in ONE transaction:
// find or create the wallet entry of (network, txn id), or move it to its new
// status, with a history row carrying the network's own word, and the postback
// log's verdict written in the same transaction (it can never disagree with the
// ledger).
//
// Idempotency comes from the database, not from this process: (network_id,
// txn_id) is unique, so when concurrent identical postbacks (from one instance or
// several) all find no entry and all insert, exactly one insert wins and the
// others fail with a unique violation; their transaction is rolled back and the
// whole apply runs again, now finding the entry (a duplicate). A status change is
// a conditional update (WHERE status = the status we read): a concurrent change
// makes it match nothing, and the apply runs again on fresh data.
import type { Database, Prisma } from '../db/client.ts'
import type { SubId } from '../tracking/subid.ts'
import type { EurAmount } from './currency.ts'
import { closePostbackLog } from './postback-log.ts'
import type { ConversionStatus } from './status-words.ts'
import { decideTransition } from './transitions.ts'

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

class ConcurrentChange extends Error {}

const MAX_ATTEMPTS = 4

function isUniqueViolation(err: unknown): boolean {
  return (err as { code?: unknown } | null)?.code === 'P2002'
}

/** The database asks us to try again: a PostgreSQL deadlock or serialization failure, a busy SQLite. */
function isTransientConflict(err: unknown): boolean {
  const e = err as { code?: unknown; message?: unknown } | null
  if (e?.code === 'P2034') return true
  return typeof e?.message === 'string' && /SQLITE_BUSY|database is locked|deadlock detected|could not serialize/i.test(e.message)
}

export async function applyPostback(database: Pick<Database, 'prisma'>, report: ConversionReport): Promise<ApplyResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.prisma.$transaction((tx) => applyOnce(tx, report), { maxWait: 10_000, timeout: 15_000 })
    } catch (err) {
      const retry = err instanceof ConcurrentChange || isUniqueViolation(err) || isTransientConflict(err)
      if (!retry || attempt >= MAX_ATTEMPTS) throw err
    }
  }
}

async function applyOnce(tx: Prisma.TransactionClient, r: ConversionReport): Promise<ApplyResult> {
  const existing = await tx.walletEntry.findUnique({
    where: { networkId_txnId: { networkId: r.networkId, txnId: r.txnId } },
    select: { id: true, status: true },
  })
  const result = existing ? await changeStatus(tx, r, existing.id, existing.status as ConversionStatus) : await createEntry(tx, r)
  if (r.postbackLogId !== null) {
    await closePostbackLog(tx, r.postbackLogId, {
      outcome: result.outcome === 'refused' ? 'rejected' : result.outcome,
      reason: 'reason' in result ? result.reason : 'flag' in result ? result.flag : null,
      entryId: 'entryId' in result ? result.entryId : null,
      replayedAt: r.replayedAt,
    })
  }
  return result
}

async function createEntry(tx: Prisma.TransactionClient, r: ConversionReport): Promise<ApplyResult> {
  if (!r.money) return { outcome: 'rejected', reason: `amount is required for a new conversion (txn ${r.txnId} is unknown)` }
  const { partnerId, flag } = await attribute(tx, r.subid)
  const entry = await tx.walletEntry.create({
    data: {
      partnerId,
      type: 'conversion',
      status: r.status,
      amountCents: r.money.cents,
      originalAmount: r.money.originalAmount,
      originalCurrency: r.money.currency,
      fxRate: r.money.rate,
      networkId: r.networkId,
      txnId: r.txnId,
      clickId: r.subid.clickId,
      assignmentId: r.subid.assignmentId,
      flag,
    },
    select: { id: true },
  })
  await tx.walletEntryHistory.create({
    data: { entryId: entry.id, fromStatus: null, toStatus: r.status, networkWord: r.networkWord, amountCents: r.money.cents, postbackLogId: r.postbackLogId },
  })
  return { outcome: 'accepted', entryId: entry.id, flag }
}

/**
 * Who earned it. The click, written before its redirect, normally proves the
 * partner and the link. When it does not, the conversion is still kept (the
 * network will pay for it) with a flag for ops to look at.
 */
async function attribute(tx: Prisma.TransactionClient, subid: SubId): Promise<{ partnerId: number | null; flag: ConversionFlag | null }> {
  const click = await tx.metricEvent.findUnique({
    where: { clickId: subid.clickId },
    select: { partnerId: true, assignmentId: true, kind: true },
  })
  if (click && click.partnerId === subid.partnerId && click.assignmentId === subid.assignmentId) {
    return { partnerId: subid.partnerId, flag: click.kind === 'bot' ? 'bot_click' : null }
  }
  const partner = await tx.partner.findUnique({ where: { id: subid.partnerId }, select: { id: true } })
  if (!partner) return { partnerId: null, flag: 'unknown_partner' }
  return { partnerId: partner.id, flag: click ? 'click_mismatch' : 'unknown_click' }
}

async function changeStatus(tx: Prisma.TransactionClient, r: ConversionReport, entryId: number, current: ConversionStatus): Promise<ApplyResult> {
  const t = decideTransition(current, r.status)
  if (t.kind === 'duplicate') return { outcome: 'duplicate', entryId, reason: null }
  if (t.kind === 'stale') return { outcome: 'duplicate', entryId, reason: t.reason }
  if (t.kind === 'invalid') return { outcome: 'refused', entryId, reason: t.reason }
  const money = r.money
    ? { amountCents: r.money.cents, originalAmount: r.money.originalAmount, originalCurrency: r.money.currency, fxRate: r.money.rate }
    : {}
  const changed = await tx.walletEntry.updateMany({ where: { id: entryId, status: current }, data: { status: r.status, ...money } })
  if (changed.count !== 1) throw new ConcurrentChange()
  await tx.walletEntryHistory.create({
    data: { entryId, fromStatus: current, toStatus: r.status, networkWord: r.networkWord, amountCents: r.money?.cents ?? null, postbackLogId: r.postbackLogId },
  })
  return { outcome: 'updated', entryId, from: current, to: r.status }
}
