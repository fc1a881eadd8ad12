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
import type { Database } from '../db/client.ts'
import type { SqlRunner } from '../db/hot/index.ts'
import { isTransientConflict, isUniqueViolation } from '../db/errors.ts'
import { Prisma as SqlTag } from '../generated/sqlite/client.ts'
import { jsonRowsSelect, msOf, type JsonColumn, type JsonValue } from '../db/hot/index.ts'
import type { Provider } from '../db/provider.ts'
import {
  entryKey,
  partnersToCheck,
  planBatch,
  resolveResult,
  type ApplyResult,
  type ConversionReport,
  type ExistingEntry,
  type KnownClick,
} from './ledger-plan.ts'

export type { ApplyResult, ConversionFlag, ConversionReport } from './ledger-plan.ts'

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
export async function findEntries(
  db: SqlRunner,
  provider: Provider,
  reports: readonly Pick<ConversionReport, 'networkId' | 'txnId'>[],
): Promise<ExistingEntry[]> {
  const keys = new Map<string, { networkId: number; txnId: string }>()
  for (const r of reports) keys.set(entryKey(r.networkId, r.txnId), { networkId: r.networkId, txnId: r.txnId })
  if (keys.size === 0) return []
  const wanted = jsonRowsSelect(
    provider,
    [
      ['network_id', 'int'],
      ['txn_id', 'text'],
    ],
    [...keys.values()].map((k) => [k.networkId, k.txnId]),
  )
  const rows = await db.query<{ id: number; network_id: number; txn_id: string; status: string }>(SqlTag.sql`
    SELECT e.id, e.network_id, e.txn_id, e.status FROM (${wanted}) AS k
    JOIN wallet_entries e ON e.network_id = k.network_id AND e.txn_id = k.txn_id`)
  return rows.map((e) => ({ id: Number(e.id), networkId: Number(e.network_id), txnId: e.txn_id, status: e.status }))
}

// Batch reads and writes are raw statements over the batch as one JSON parameter
// (db/hot/json-rows.ts): an ORM query compiles a new plan for every new batch shape
// (that compile cost more than the whole rest of a postback), and a bound value
// per field costs more than the database's own work.
async function applyBatch(tx: SqlRunner, provider: Provider, reports: readonly ConversionReport[]): Promise<ApplyResult[]> {
  const rowsOf = (columns: readonly JsonColumn[], rows: readonly (readonly JsonValue[])[]) => jsonRowsSelect(provider, columns, rows)
  const existing = await findEntries(tx, provider, reports)
  const known = new Set(existing.map((e) => entryKey(e.networkId, e.txnId)))
  // Attribution is needed only for reports that may create an entry.
  const creating = reports.filter((r) => !known.has(entryKey(r.networkId, r.txnId)))
  const clicks = new Map<string, KnownClick>()
  const partners = new Set<number>()
  if (creating.length > 0) {
    const clickIds = rowsOf(
      [['click_id', 'text']],
      [...new Set(creating.map((r) => r.subid.clickId))].map((id) => [id]),
    )
    // The click's offer's network, in the same statement: a click on another network's offer is flagged.
    const found = await tx.query<{
      click_id: string
      partner_id: number | null
      assignment_id: number | null
      kind: string
      network_id: number | null
    }>(SqlTag.sql`
      SELECT m.click_id, m.partner_id, m.assignment_id, m.kind, o.network_id FROM (${clickIds}) AS c
      JOIN metric_events m ON m.click_id = c.click_id LEFT JOIN offers o ON o.id = m.offer_id`)
    for (const c of found) {
      clicks.set(c.click_id, {
        clickId: c.click_id,
        partnerId: c.partner_id === null ? null : Number(c.partner_id),
        assignmentId: c.assignment_id === null ? null : Number(c.assignment_id),
        kind: c.kind,
        networkId: c.network_id === null ? null : Number(c.network_id),
      })
    }
    const toCheck = partnersToCheck(creating, clicks)
    if (toCheck.length > 0) {
      const ids = rowsOf(
        [['id', 'int']],
        toCheck.map((id) => [id]),
      )
      const rows = await tx.query<{ id: number }>(SqlTag.sql`SELECT p.id FROM (${ids}) AS w JOIN partners p ON p.id = w.id`)
      for (const p of rows) partners.add(Number(p.id))
    }
  }
  const plan = planBatch(reports, existing, clicks, partners)
  const now = new Date()

  const createdIds: number[] = []
  if (plan.creates.length > 0) {
    const entries = plan.creates.map((c) => [
      c.partnerId,
      'conversion',
      c.status,
      c.money.cents,
      c.money.originalAmount,
      c.money.currency,
      c.money.rate,
      c.networkId,
      c.txnId,
      c.clickId,
      c.assignmentId,
      c.flag,
      now.getTime(),
      now.getTime(),
    ])
    const created = await tx.query<{ id: number; network_id: number; txn_id: string }>(SqlTag.sql`
      INSERT INTO wallet_entries (partner_id, type, status, amount_cents, original_amount, original_currency, fx_rate,
                                  network_id, txn_id, click_id, assignment_id, flag, created_at, updated_at)
      ${rowsOf(ENTRY_COLUMNS, entries)}
      RETURNING id, network_id, txn_id`)
    // Matched by their unique key: the order rows come back in is not promised.
    const idByKey = new Map(created.map((e) => [entryKey(Number(e.network_id), e.txn_id), Number(e.id)]))
    for (const c of plan.creates) createdIds.push(idByKey.get(c.key)!)
  }
  const idOf = (index: number) => createdIds[index]!

  for (const u of plan.updates) {
    // A report without an amount leaves the money as it was.
    const m = u.money
    const money = m
      ? SqlTag.sql`, amount_cents = ${m.cents}, original_amount = ${m.originalAmount}, original_currency = ${m.currency}, fx_rate = ${m.rate}`
      : SqlTag.empty
    const changed = await tx.execute(SqlTag.sql`
      UPDATE wallet_entries SET status = ${u.to}, updated_at = ${now}${money}
      WHERE id = ${u.id} AND status = ${u.from}`)
    if (changed !== 1) throw new ConcurrentChange()
  }

  if (plan.history.length > 0) {
    const history = plan.history.map((h) => [
      'id' in h.entry ? h.entry.id : idOf(h.entry.create),
      h.fromStatus,
      h.toStatus,
      h.networkWord,
      h.amountCents,
      h.postbackLogId,
      now.getTime(),
    ])
    await tx.execute(SqlTag.sql`
      INSERT INTO wallet_entry_history (entry_id, from_status, to_status, network_word, amount_cents, postback_log_id, changed_at)
      ${rowsOf(HISTORY_COLUMNS, history)}`)
  }

  const results = plan.results.map((r) => resolveResult(r, idOf))
  await writeVerdicts(tx, provider, reports, results)
  return results
}

/** Each report's verdict into its log line: one UPDATE … FROM for the whole batch. */
async function writeVerdicts(tx: SqlRunner, provider: Provider, reports: readonly ConversionReport[], results: readonly ApplyResult[]) {
  const outcomeOf = (r: ApplyResult) => (r.outcome === 'refused' ? 'rejected' : r.outcome)
  const reasonOf = (r: ApplyResult) => ('reason' in r ? r.reason : 'flag' in r ? r.flag : null)
  const entryOf = (r: ApplyResult) => ('entryId' in r ? r.entryId : null)
  const rows: JsonValue[][] = []
  reports.forEach((r, i) => {
    if (r.postbackLogId === null) return
    const result = results[i]!
    rows.push([r.postbackLogId, outcomeOf(result), reasonOf(result)?.slice(0, 500) ?? null, entryOf(result), msOf(r.replayedAt)])
  })
  if (rows.length === 0) return
  await tx.execute(SqlTag.sql`
    UPDATE postback_logs SET
      outcome = v.outcome, reason = v.reason, entry_id = v.entry_id, processed_at = ${new Date()},
      replayed_at = COALESCE(v.replayed_at, postback_logs.replayed_at)
    FROM (${jsonRowsSelect(provider, VERDICT_COLUMNS, rows)}) AS v
    WHERE postback_logs.id = v.id`)
}

const ENTRY_COLUMNS = [
  ['partner_id', 'int'],
  ['type', 'text'],
  ['status', 'text'],
  ['amount_cents', 'int'],
  ['original_amount', 'text'],
  ['original_currency', 'text'],
  ['fx_rate', 'text'],
  ['network_id', 'int'],
  ['txn_id', 'text'],
  ['click_id', 'text'],
  ['assignment_id', 'int'],
  ['flag', 'text'],
  ['created_at', 'ms'],
  ['updated_at', 'ms'],
] as const satisfies readonly JsonColumn[]

const HISTORY_COLUMNS = [
  ['entry_id', 'int'],
  ['from_status', 'text'],
  ['to_status', 'text'],
  ['network_word', 'text'],
  ['amount_cents', 'int'],
  ['postback_log_id', 'int'],
  ['changed_at', 'ms'],
] as const satisfies readonly JsonColumn[]

const VERDICT_COLUMNS = [
  ['id', 'int'],
  ['outcome', 'text'],
  ['reason', 'text'],
  ['entry_id', 'int'],
  ['replayed_at', 'ms'],
] as const satisfies readonly JsonColumn[]
