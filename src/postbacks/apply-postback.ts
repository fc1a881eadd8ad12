// Applies validated conversion reports to the ledger: a whole batch in ONE
// transaction (a handful of statements whatever its size), with the history of
// every change carrying the network's own word, and each report's verdict written
// into its postback log line in the same transaction (the log can never disagree
// with the ledger). The rules are in ledger-plan.ts; this file reads and writes.
//
// Idempotency comes from the database, not from this process: (network_id,
// txn_id) is unique, so when concurrent identical postbacks (from one instance or
// several) all find no entry and all insert, exactly one insert wins; the others
// fail with a unique violation, their transaction is rolled back and the batch
// runs again, now finding the entry (a duplicate). A status change is a
// conditional update (WHERE status = the status read): a concurrent change makes
// it match nothing, and the batch runs again on fresh data.
import type { Database, Prisma } from '../db/client.ts'
import { isTransientConflict, isUniqueViolation } from '../db/errors.ts'
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'
import {
  entryKey,
  partnersToCheck,
  planBatch,
  resolveResult,
  type ApplyResult,
  type ConversionReport,
  type KnownClick,
} from './ledger-plan.ts'

export type { ApplyResult, ConversionFlag, ConversionReport } from './ledger-plan.ts'

class ConcurrentChange extends Error {}

const MAX_ATTEMPTS = 5

export async function applyPostbacks(database: Pick<Database, 'prisma'>, reports: readonly ConversionReport[]): Promise<ApplyResult[]> {
  if (reports.length === 0) return []
  for (let attempt = 1; ; attempt++) {
    try {
      return await database.prisma.$transaction((tx) => applyBatch(tx, reports), { maxWait: 10_000, timeout: 15_000 })
    } catch (err) {
      const retry = err instanceof ConcurrentChange || isUniqueViolation(err) || isTransientConflict(err)
      if (!retry || attempt >= MAX_ATTEMPTS) throw err
    }
  }
}

export async function applyPostback(database: Pick<Database, 'prisma'>, report: ConversionReport): Promise<ApplyResult> {
  return (await applyPostbacks(database, [report]))[0]!
}

// Batch reads and inserts are tagged raw statements: their shape changes with the
// batch size, and Prisma compiles a new query plan for every new shape of an ORM
// query (that compile cost more than the whole rest of a postback).
async function applyBatch(tx: Prisma.TransactionClient, reports: readonly ConversionReport[]): Promise<ApplyResult[]> {
  const keys = new Map<string, { networkId: number; txnId: string }>()
  for (const r of reports) keys.set(entryKey(r.networkId, r.txnId), { networkId: r.networkId, txnId: r.txnId })
  const existing = (
    await tx.$queryRaw<{ id: number; network_id: number; txn_id: string; status: string }[]>(SqlTag.sql`
      SELECT id, network_id, txn_id, status FROM wallet_entries
      WHERE ${SqlTag.join([...keys.values()].map((k) => SqlTag.sql`(network_id = ${k.networkId} AND txn_id = ${k.txnId})`), ' OR ')}`)
  ).map((e) => ({ id: Number(e.id), networkId: Number(e.network_id), txnId: e.txn_id, status: e.status }))
  const known = new Set(existing.map((e) => entryKey(e.networkId, e.txnId)))
  // Attribution is needed only for reports that may create an entry.
  const creating = reports.filter((r) => !known.has(entryKey(r.networkId, r.txnId)))
  const clicks = new Map<string, KnownClick>()
  const partners = new Set<number>()
  if (creating.length > 0) {
    const clickIds = [...new Set(creating.map((r) => r.subid.clickId))]
    const found = await tx.$queryRaw<{ click_id: string; partner_id: number | null; assignment_id: number | null; kind: string }[]>(SqlTag.sql`
      SELECT click_id, partner_id, assignment_id, kind FROM metric_events WHERE click_id IN (${SqlTag.join(clickIds)})`)
    for (const c of found) {
      clicks.set(c.click_id, {
        clickId: c.click_id,
        partnerId: c.partner_id === null ? null : Number(c.partner_id),
        assignmentId: c.assignment_id === null ? null : Number(c.assignment_id),
        kind: c.kind,
      })
    }
    const toCheck = partnersToCheck(creating, clicks)
    if (toCheck.length > 0) {
      const rows = await tx.$queryRaw<{ id: number }[]>(SqlTag.sql`SELECT id FROM partners WHERE id IN (${SqlTag.join(toCheck)})`)
      for (const p of rows) partners.add(Number(p.id))
    }
  }
  const plan = planBatch(reports, existing, clicks, partners)
  const now = new Date()

  const createdIds: number[] = []
  if (plan.creates.length > 0) {
    const created = await tx.$queryRaw<{ id: number; network_id: number; txn_id: string }[]>(SqlTag.sql`
      INSERT INTO wallet_entries (partner_id, type, status, amount_cents, original_amount, original_currency, fx_rate,
                                  network_id, txn_id, click_id, assignment_id, flag, created_at, updated_at)
      VALUES ${SqlTag.join(
        plan.creates.map(
          (c) => SqlTag.sql`(${c.partnerId}, ${'conversion'}, ${c.status}, ${c.money.cents}, ${c.money.originalAmount}, ${c.money.currency}, ${c.money.rate},
                             ${c.networkId}, ${c.txnId}, ${c.clickId}, ${c.assignmentId}, ${c.flag}, ${now}, ${now})`,
        ),
      )}
      RETURNING id, network_id, txn_id`)
    // Matched by their unique key: the order rows come back in is not promised.
    const idByKey = new Map(created.map((e) => [entryKey(Number(e.network_id), e.txn_id), Number(e.id)]))
    for (const c of plan.creates) createdIds.push(idByKey.get(c.key)!)
  }
  const idOf = (index: number) => createdIds[index]!

  for (const u of plan.updates) {
    const money = u.money ? { amountCents: u.money.cents, originalAmount: u.money.originalAmount, originalCurrency: u.money.currency, fxRate: u.money.rate } : {}
    const changed = await tx.walletEntry.updateMany({ where: { id: u.id, status: u.from }, data: { status: u.to, ...money } })
    if (changed.count !== 1) throw new ConcurrentChange()
  }

  if (plan.history.length > 0) {
    await tx.$executeRaw(SqlTag.sql`
      INSERT INTO wallet_entry_history (entry_id, from_status, to_status, network_word, amount_cents, postback_log_id, changed_at)
      VALUES ${SqlTag.join(
        plan.history.map(
          (h) => SqlTag.sql`(${'id' in h.entry ? h.entry.id : idOf(h.entry.create)}, ${h.fromStatus}, ${h.toStatus}, ${h.networkWord}, ${h.amountCents}, ${h.postbackLogId}, ${now})`,
        ),
      )}`)
  }

  const results = plan.results.map((r) => resolveResult(r, idOf))
  await writeVerdicts(tx, reports, results)
  return results
}

/** Each report's verdict into its log line: one statement for the whole batch. */
async function writeVerdicts(tx: Prisma.TransactionClient, reports: readonly ConversionReport[], results: readonly ApplyResult[]) {
  const rows = reports
    .map((r, i) => ({ logId: r.postbackLogId, replayedAt: r.replayedAt ?? null, result: results[i]! }))
    .filter((v): v is typeof v & { logId: number } => v.logId !== null)
  if (rows.length === 0) return
  const outcomeOf = (r: ApplyResult) => (r.outcome === 'refused' ? 'rejected' : r.outcome)
  const reasonOf = (r: ApplyResult) => ('reason' in r ? r.reason : 'flag' in r ? r.flag : null)
  const entryOf = (r: ApplyResult) => ('entryId' in r ? r.entryId : null)
  const whenId = <T>(value: (row: (typeof rows)[number]) => T, cast?: 'INTEGER') =>
    SqlTag.join(
      rows.map((row) => (cast ? SqlTag.sql`WHEN ${row.logId} THEN CAST(${value(row)} AS INTEGER)` : SqlTag.sql`WHEN ${row.logId} THEN ${value(row)}`)),
      ' ',
    )
  const replayed = rows.filter((r) => r.replayedAt)
  const now = new Date()
  await tx.$executeRaw(SqlTag.sql`
    UPDATE postback_logs SET
      outcome = CASE id ${whenId((r) => outcomeOf(r.result))} END,
      reason = CASE id ${whenId((r) => reasonOf(r.result)?.slice(0, 500) ?? null)} END,
      entry_id = CASE id ${whenId((r) => entryOf(r.result), 'INTEGER')} END,
      processed_at = ${now}
      ${replayed.length > 0 ? SqlTag.sql`, replayed_at = CASE id ${SqlTag.join(replayed.map((r) => SqlTag.sql`WHEN ${r.logId} THEN ${r.replayedAt}`), ' ')} ELSE replayed_at END` : SqlTag.empty}
    WHERE id IN (${SqlTag.join(rows.map((r) => r.logId))})`)
}
