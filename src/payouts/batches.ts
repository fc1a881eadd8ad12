// Payout batches: the approved payouts sent to a rail as one file (SEPA
// pain.001.001.03 or PayPal's Payouts Web CSV), then marked paid together.
//
// Exporting takes the approved payouts in no batch yet whose partner is paid by
// that rail; a partner on hold, owing money back or without the balance is left
// out and reported (the file would pay what the ledger refuses). A SEPA export is
// refused whole, with the reason, when the debtor's configuration is missing or
// invalid or when a partner has no valid SEPA details (they are listed). The file
// is kept as exported: downloading it again gives the same bytes. A payout is in
// one batch at most, so a second export never pays it twice.
//
// Marking a batch paid pays each payout through the single-payout path (its own
// transaction, ledger entry, journal line and audit), with the reference
// "<batch reference>/<EndToEndId>". A payout already paid is not paid again; one
// that cannot be paid now (a hold appeared, the balance fell) is skipped, and the
// reason is kept on the batch and reported; marking the batch again retries it.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { isUniqueViolation } from '../db/errors.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import {
  approvedPayoutsOutsideBatches,
  batchesOfPayouts,
  batchById,
  batchFileOf,
  completeBatch,
  insertBatch,
  insertBatchItems,
  markBatchPaidRow,
  recentBatches,
  setItemSkipReason,
  type BatchRow,
  type ExportablePayout,
} from '../db/queries/payout-batches.ts'
import { lockPartner } from '../db/queries/partners.ts'
import { payoutById } from '../db/queries/payouts.ts'
import { DomainError, InvalidInput, NotFound, Refused } from '../errors.ts'
import { formatCents } from '../format/money.ts'
import { activeHoldsOf } from '../holds/holds.ts'
import type { LedgerRules } from '../ledger/balance-rules.ts'
import { ledgerBalances } from '../ledger/balances.ts'
import { audit } from '../onboarding/audit.ts'
import { checkBic } from './bic.ts'
import { checkIban } from './iban.ts'
import { payPayout } from './payouts.ts'
import { paypalPayoutsCsv, PAYPAL_MAX_LINES } from './paypal-csv.ts'
import { pain001Xml, sepaFileProblems, type SepaDebtor } from './sepa-pain001.ts'
import { sepaText } from './sepa-text.ts'

export const RAILS = ['sepa', 'paypal'] as const
export type Rail = (typeof RAILS)[number]
export const RAIL_LABELS: Record<Rail, string> = { sepa: 'SEPA (pain.001)', paypal: 'PayPal (CSV)' }

export const exportSchema = z.strictObject({ rail: z.enum(RAILS) })
/** The batch's reference from the bank or PayPal; with "/" and an EndToEndId (≤ 35) it stays within a payout's 100. */
export const batchPaySchema = z.strictObject({ reference: z.string().trim().min(1, 'obligatoire').max(60, '60 caractères au plus') })

export interface BatchContext {
  database: Pick<Database, 'prisma' | 'provider'>
  rules: LedgerRules
  actor: string
  sepaDebtor: { name: string | null; iban: string | null; bic: string | null }
  now?: () => Date
}

/** Our reference of a payout in a file: the SEPA EndToEndId and the PayPal customer ID (≤ 30, no spaces). */
export const endToEndIdOf = (payoutId: number) => `CF-PAYOUT-${payoutId}`

/** The batch's reference (the SEPA MsgId): rail, UTC day and id; unique as the id is. */
export const batchReferenceOf = (rail: Rail, id: number, at: Date) =>
  `CF-${rail === 'sepa' ? 'SEPA' : 'PAYPAL'}-${at.toISOString().slice(0, 10).replace(/-/g, '')}-${String(id).padStart(6, '0')}`

const remittanceOf = (payoutId: number, partnerName: string) => `ContentFlow payout ${payoutId} ${partnerName}`

/** The debtor from the configuration, checked; a Refused naming what is missing or invalid. */
export function sepaDebtorOf(config: BatchContext['sepaDebtor']): SepaDebtor {
  const problems: string[] = []
  if (!config.name || sepaText(config.name, 70) === '') problems.push('SEPA_DEBTOR_NAME manquant')
  if (!config.iban) problems.push('SEPA_DEBTOR_IBAN manquant')
  else {
    const c = checkIban(config.iban)
    if (!c.ok) problems.push(`SEPA_DEBTOR_IBAN : ${c.reason}`)
  }
  if (!config.bic) problems.push('SEPA_DEBTOR_BIC manquant')
  else {
    const c = checkBic(config.bic)
    if (!c.ok) problems.push(`SEPA_DEBTOR_BIC : ${c.reason}`)
  }
  if (problems.length > 0) throw new Refused(`export SEPA impossible, configuration du débiteur : ${problems.join(' ; ')}`)
  return { name: config.name!, iban: config.iban!, bic: config.bic! }
}

export interface LeftOut {
  payoutId: number
  partnerId: number
  reason: string
}

export interface ExportResult {
  id: number
  rail: Rail
  reference: string
  count: number
  controlSumCents: number
  /** Approved payouts of this rail not in the file, and why. */
  leftOut: LeftOut[]
}

const railOf = (p: ExportablePayout): Rail => (p.partner.payoutMethod === 'paypal' ? 'paypal' : 'sepa')

const hasSepaDetails = (p: ExportablePayout) =>
  p.partner.payoutMethod === 'sepa' &&
  checkIban(p.partner.payoutIban ?? '').ok &&
  checkBic(p.partner.payoutBic ?? '').ok &&
  sepaText(p.partner.payoutHolder ?? '', 70) !== ''

/** What of `candidates` the ledger lets us pay now: not on hold, nothing owed, within each partner's available balance. */
async function payableNow(db: Queryable, rules: LedgerRules, candidates: ExportablePayout[], now: Date) {
  const partnerIds = [...new Set(candidates.map((p) => p.partnerId))]
  const [holds, balances] = await Promise.all([activeHoldsOf(db, partnerIds), ledgerBalances(db, rules, partnerIds, now)])
  const taken = new Map<number, number>()
  const payable: ExportablePayout[] = []
  const leftOut: LeftOut[] = []
  for (const p of candidates) {
    const hold = holds.get(p.partnerId)
    const balance = balances.get(p.partnerId)!
    const already = taken.get(p.partnerId) ?? 0
    const reason = hold
      ? `partenaire en hold (${hold.reason})`
      : balance.owedCents > 0
        ? `${formatCents(balance.owedCents)} à récupérer`
        : already + p.amountCents > balance.availableCents
          ? `montant supérieur au disponible (${formatCents(balance.availableCents)})`
          : null
    if (reason) leftOut.push({ payoutId: p.id, partnerId: p.partnerId, reason })
    else {
      taken.set(p.partnerId, already + p.amountCents)
      payable.push(p)
    }
  }
  return { payable, leftOut }
}

function fileOf(rail: Rail, reference: string, payouts: ExportablePayout[], debtor: SepaDebtor | null, now: Date): string {
  if (rail === 'paypal')
    return paypalPayoutsCsv(
      payouts.map((p) => ({
        email: p.partner.payoutEmail!,
        amountCents: p.amountCents,
        customerId: endToEndIdOf(p.id),
        note: `Paiement ContentFlow, payout #${p.id} (lot ${reference})`,
      })),
    )
  const input = {
    msgId: reference,
    createdAt: now,
    executionDate: now.toISOString().slice(0, 10),
    debtor: debtor!,
    transfers: payouts.map((p) => ({
      endToEndId: endToEndIdOf(p.id),
      amountCents: p.amountCents,
      creditorName: p.partner.payoutHolder!,
      iban: p.partner.payoutIban!,
      bic: p.partner.payoutBic!,
      remittance: remittanceOf(p.id, p.partner.name),
    })),
  }
  const problems = sepaFileProblems(input)
  if (problems.length > 0) throw new Refused(`export SEPA impossible : ${problems.join(' ; ')}`)
  return pain001Xml(input)
}

/** Exports the approved payouts of a rail as a new batch. */
export async function exportBatch(ctx: BatchContext, input: unknown): Promise<ExportResult> {
  const { rail } = exportSchema.parse(input)
  const now = ctx.now?.() ?? new Date()
  const debtor = rail === 'sepa' ? sepaDebtorOf(ctx.sepaDebtor) : null
  try {
    return await inTransaction(
      ctx.database,
      async (tx) => {
        // The partners' locks, as every payout step takes them (payout-lock.ts): no payout of theirs is paid,
        // and no hold set, between our checks and the batch's write. In id order, so two exports never deadlock.
        const seen = (await approvedPayoutsOutsideBatches(tx, 100_000)).filter((p) => railOf(p) === rail)
        const locked = new Set(seen.map((p) => p.partnerId))
        for (const partnerId of [...locked].sort((a, b) => a - b)) await lockPartner(tx, ctx.database.provider, partnerId)
        // Read again under the locks; a partner approved meanwhile waits for the next batch.
        const candidates = (await approvedPayoutsOutsideBatches(tx, 100_000)).filter((p) => railOf(p) === rail && locked.has(p.partnerId))
        const { payable, leftOut } = await payableNow(tx, ctx.rules, candidates, now)
        // Only what would be paid now must have its details: a partner on hold does not stop the others.
        if (rail === 'sepa') {
          const missing = [...new Map(payable.filter((p) => !hasSepaDetails(p)).map((p) => [p.partnerId, p.partner.name])).entries()]
          if (missing.length > 0)
            throw new Refused(
              `export SEPA impossible : coordonnées SEPA manquantes ou invalides pour ${missing.map(([id, name]) => `${name} (#${id})`).join(', ')}`,
            )
        }
        if (payable.length === 0)
          throw new Refused(
            `aucun payout approuvé à exporter en ${RAIL_LABELS[rail]}${leftOut.length > 0 ? ` (${leftOut.length} écarté(s) : ${leftOut.map((l) => `#${l.payoutId} ${l.reason}`).join(' ; ')})` : ''}`,
          )
        if (rail === 'paypal' && payable.length > PAYPAL_MAX_LINES) {
          for (const p of payable.splice(PAYPAL_MAX_LINES))
            leftOut.push({ payoutId: p.id, partnerId: p.partnerId, reason: `au-delà des ${PAYPAL_MAX_LINES} lignes d'un fichier PayPal` })
        }
        const { id } = await insertBatch(tx, {
          rail,
          provisionalReference: `pending-${now.getTime()}-${Math.random()}`,
          createdBy: ctx.actor,
          createdAt: now,
        })
        const reference = batchReferenceOf(rail, id, now)
        await insertBatchItems(
          tx,
          id,
          payable.map((p) => ({ payoutId: p.id, endToEndId: endToEndIdOf(p.id), amountCents: p.amountCents })),
        )
        await completeBatch(tx, id, reference, fileOf(rail, reference, payable, debtor, now))
        const controlSumCents = payable.reduce((s, p) => s + p.amountCents, 0)
        await audit(tx, ctx.actor, 'payout_batch.export', `payout_batch:${id}`, {
          rail,
          reference,
          count: payable.length,
          controlSumCents,
          payoutIds: payable.map((p) => p.id),
          leftOut,
        })
        return { id, rail, reference, count: payable.length, controlSumCents, leftOut }
      },
      { timeout: 30_000, maxWait: 15_000 },
    )
  } catch (err) {
    // Another export took some of these payouts between our read and our write.
    if (isUniqueViolation(err)) throw new Refused('un autre export vient de prendre ces payouts : rechargez la page et réessayez')
    throw err
  }
}

/** The file of a batch, as exported: its name and type for a download. */
export async function batchFile(db: Queryable, batchId: number): Promise<{ name: string; type: string; body: string }> {
  const b = await batchFileOf(db, batchId)
  if (!b) throw new NotFound(`lot #${batchId} introuvable`)
  return b.rail === 'sepa'
    ? { name: `${b.reference}.xml`, type: 'application/xml; charset=utf-8', body: b.file }
    : { name: `${b.reference}.csv`, type: 'text/csv; charset=utf-8', body: b.file }
}

export interface BatchPayResult {
  batchId: number
  reference: string
  /** Paid by this call. */
  paid: { payoutId: number; reference: string }[]
  /** Already paid before this call: not paid again. */
  alreadyPaid: number[]
  /** Not paid, and why (marking the batch again retries them). */
  skipped: LeftOut[]
}

/** Pays every payout of the batch that can be paid, each in its own transaction; idempotent. */
export async function markBatchPaid(ctx: BatchContext, batchId: number, input: unknown): Promise<BatchPayResult> {
  const { reference } = batchPaySchema.parse(input)
  if (reference.includes('/')) throw new InvalidInput('référence : sans « / » (il sépare la référence du lot de celle du payout)')
  const batch = await batchById(ctx.database, batchId)
  if (!batch) throw new NotFound(`lot #${batchId} introuvable`)
  const now = ctx.now?.() ?? new Date()
  const payoutCtx = { database: ctx.database, rules: ctx.rules, actor: ctx.actor, now: () => now }
  const result: BatchPayResult = { batchId, reference, paid: [], alreadyPaid: [], skipped: [] }
  for (const item of batch.items) {
    const paidReference = `${reference}/${item.endToEndId}`
    if (item.payout.status === 'paid') {
      result.alreadyPaid.push(item.payoutId)
      continue
    }
    try {
      await payPayout(payoutCtx, item.payoutId, { reference: paidReference })
      result.paid.push({ payoutId: item.payoutId, reference: paidReference })
      if (item.skipReason !== null) await setItemSkipReason(ctx.database, item.id, null)
    } catch (err) {
      if (!(err instanceof DomainError) || err.statusCode >= 500) throw err
      // Paid meanwhile (another click on the same batch): not paid twice, nothing to report.
      if ((await payoutById(ctx.database, item.payoutId))?.status === 'paid') {
        result.alreadyPaid.push(item.payoutId)
        continue
      }
      result.skipped.push({ payoutId: item.payoutId, partnerId: item.payout.partnerId, reason: err.message })
      await setItemSkipReason(ctx.database, item.id, err.message)
    }
  }
  if (result.paid.length > 0) {
    await markBatchPaidRow(ctx.database, batchId, { paidReference: reference, paidBy: ctx.actor, paidAt: now })
  }
  await inTransaction(ctx.database, (tx) =>
    audit(tx, ctx.actor, 'payout_batch.pay', `payout_batch:${batchId}`, {
      reference,
      paid: result.paid.map((p) => p.payoutId),
      alreadyPaid: result.alreadyPaid,
      skipped: result.skipped,
    }),
  )
  return result
}

export interface BatchView extends BatchRow {
  count: number
  controlSumCents: number
  paidCount: number
  skipped: { payoutId: number; reason: string }[]
  /** Every payout of the batch is paid. */
  settled: boolean
}

function viewOf(b: BatchRow): BatchView {
  const paidCount = b.items.filter((i) => i.payout.status === 'paid').length
  return {
    ...b,
    count: b.items.length,
    controlSumCents: b.items.reduce((s, i) => s + i.amountCents, 0),
    paidCount,
    skipped: b.items.flatMap((i) =>
      i.skipReason !== null && i.payout.status !== 'paid' ? [{ payoutId: i.payoutId, reason: i.skipReason }] : [],
    ),
    settled: paidCount === b.items.length,
  }
}

/** The latest batches, newest first, with their counts, sums and what marking them paid skipped. */
export async function latestBatches(db: Queryable, take = 20): Promise<BatchView[]> {
  return (await recentBatches(db, take)).map(viewOf)
}

export async function batchView(db: Queryable, batchId: number): Promise<BatchView> {
  const b = await batchById(db, batchId)
  if (!b) throw new NotFound(`lot #${batchId} introuvable`)
  return viewOf(b)
}

/** What the payouts page shows of the batches: the latest ones, and the batch each queued payout is in. */
export async function batchesPanel(db: Queryable, payoutIds: readonly number[]) {
  const [batches, inBatch] = await Promise.all([latestBatches(db, 20), batchesOfPayouts(db, payoutIds)])
  return { batches, inBatch, railLabels: RAIL_LABELS }
}
