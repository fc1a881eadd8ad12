// Payouts (DESIGN.md "The flow", 5): requested → approved → paid, or rejected.
// Paying writes the ledger's payout entry (type payout, status paid, negative
// amount) with the payout's status in one transaction. Refusals are Refused (409)
// with a one-line reason: the partner is on hold, owes money back (à récupérer),
// the amount exceeds the partner's available balance, or the payout is not in
// the state the step needs.
// Each step holds the partner's lock (payout-lock.ts), so two concurrent steps
// cannot both pass a check that only one of them may pass.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import {
  insertPayout,
  openPayoutsCents,
  partnerOfPayout as partnerIdOfPayout,
  payoutById,
  updatePayoutById,
  type PayoutRow,
} from '../db/queries/payouts.ts'
import { NotFound, Refused } from '../errors.ts'
import { formatCents } from '../format/money.ts'
import { activeHoldOf } from '../holds/holds.ts'
import type { LedgerRules } from '../ledger/balance-rules.ts'
import { ledgerBalance } from '../ledger/balances.ts'
import { bookPaidPayout } from '../ledger/entries.ts'
import { audit } from '../onboarding/audit.ts'
import { withPartnerLocked, type Tx } from './payout-lock.ts'

export const PAYOUT_STATUSES = ['requested', 'approved', 'paid', 'rejected'] as const

/** The statuses in the console's words (pages and the refusals they show). */
export const PAYOUT_STATUS_LABELS: Record<(typeof PAYOUT_STATUSES)[number], string> = {
  requested: 'demandé',
  approved: 'approuvé',
  paid: 'payé',
  rejected: 'rejeté',
}
const statusWord = (status: string) =>
  (PAYOUT_STATUSES as readonly string[]).includes(status) ? PAYOUT_STATUS_LABELS[status as (typeof PAYOUT_STATUSES)[number]] : status
export type PayoutStatus = (typeof PAYOUT_STATUSES)[number]

export interface PayoutContext {
  database: Pick<Database, 'prisma' | 'provider'>
  rules: LedgerRules
  actor: string
  now?: () => Date
  /** A partner's own request (the portal): at least this much (PAYOUT_MIN_CENTS). Ops' requests have no minimum. */
  minPayoutCents?: number
}

/** The largest payout we accept in one request: € 10 000 000,00. */
export const MAX_PAYOUT_CENTS = 1_000_000_000

export const payoutRequestSchema = z.strictObject({
  partnerId: z.coerce.number().int().positive().max(2_147_483_647),
  amountCents: z.number().int().positive().max(MAX_PAYOUT_CENTS),
})
export const rejectSchema = z.strictObject({ reason: z.string().trim().min(3, 'au moins 3 caractères').max(500) })
export const paySchema = z.strictObject({ reference: z.string().trim().min(1, 'obligatoire').max(100) })

export type PayoutView = PayoutRow

async function partnerOfPayout(ctx: PayoutContext, payoutId: number): Promise<number> {
  const partnerId = await partnerIdOfPayout(ctx.database, payoutId)
  if (partnerId === null) throw new NotFound(`payout #${payoutId} introuvable`)
  return partnerId
}

async function lockedPayout(tx: Tx, payoutId: number): Promise<PayoutView> {
  const p = await payoutById(tx, payoutId)
  if (!p) throw new NotFound(`payout #${payoutId} introuvable`)
  return p
}

function requireStatus(p: PayoutView, allowed: readonly string[], step: string): void {
  if (!allowed.includes(p.status))
    throw new Refused(
      `payout #${p.id} ${statusWord(p.status)} : ${step} impossible (il faut qu'il soit ${allowed.map(statusWord).join(' ou ')})`,
    )
}

async function refuseIfOnHold(tx: Tx, partnerId: number, step: string): Promise<void> {
  const hold = await activeHoldOf(tx, partnerId)
  if (hold) throw new Refused(`partenaire #${partnerId} en hold (${hold.reason}) : ${step} impossible`)
}

async function refuseIfOverAvailable(
  tx: Tx,
  ctx: PayoutContext,
  p: { partnerId: number; amountCents: number },
  now: Date,
  outstandingCents = 0,
): Promise<void> {
  const balance = await ledgerBalance(tx, ctx.rules, { partnerId: p.partnerId, now })
  // Money reversed after it was paid is recovered from the next earnings first (DESIGN.md "À récupérer"):
  // nothing more is paid out while any of it is owed.
  if (balance.owedCents > 0)
    throw new Refused(`partenaire #${p.partnerId} : ${formatCents(balance.owedCents)} à récupérer, aucun payout avant remboursement`)
  const room = balance.availableCents - outstandingCents
  if (p.amountCents > room) {
    const detail =
      outstandingCents > 0
        ? `disponible ${formatCents(balance.availableCents)}, dont ${formatCents(outstandingCents)} déjà demandés`
        : `disponible ${formatCents(balance.availableCents)}`
    throw new Refused(`montant ${formatCents(p.amountCents)} supérieur au solde du partenaire #${p.partnerId} (${detail})`)
  }
}

/** A new payout request; refused when it exceeds what the partner has available and not yet requested. */
export async function requestPayout(ctx: PayoutContext, input: unknown): Promise<PayoutView> {
  const req = payoutRequestSchema.parse(input)
  const now = ctx.now?.() ?? new Date()
  if (ctx.minPayoutCents !== undefined && req.amountCents < ctx.minPayoutCents)
    throw new Refused(`montant ${formatCents(req.amountCents)} inférieur au minimum de ${formatCents(ctx.minPayoutCents)}`)
  return withPartnerLocked(ctx.database, req.partnerId, async (tx) => {
    await refuseIfOnHold(tx, req.partnerId, 'demande de payout')
    await refuseIfOverAvailable(tx, ctx, req, now, await openPayoutsCents(tx, req.partnerId))
    const payout = await insertPayout(tx, { partnerId: req.partnerId, amountCents: req.amountCents, status: 'requested', requestedAt: now })
    await audit(tx, ctx.actor, 'payout.request', `payout:${payout.id}`, { partnerId: req.partnerId, amountCents: req.amountCents })
    return payout
  })
}

export async function approvePayout(ctx: PayoutContext, payoutId: number): Promise<PayoutView> {
  const now = ctx.now?.() ?? new Date()
  const partnerId = await partnerOfPayout(ctx, payoutId)
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const p = await lockedPayout(tx, payoutId)
    requireStatus(p, ['requested'], 'approbation')
    await refuseIfOnHold(tx, partnerId, 'approbation')
    await refuseIfOverAvailable(tx, ctx, p, now)
    const updated = await updatePayoutById(tx, payoutId, { status: 'approved', approvedAt: now })
    await audit(tx, ctx.actor, 'payout.approve', `payout:${payoutId}`, { partnerId, amountCents: p.amountCents })
    return updated
  })
}

export async function rejectPayout(ctx: PayoutContext, payoutId: number, input: unknown): Promise<PayoutView> {
  const { reason } = rejectSchema.parse(input)
  const now = ctx.now?.() ?? new Date()
  const partnerId = await partnerOfPayout(ctx, payoutId)
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const p = await lockedPayout(tx, payoutId)
    requireStatus(p, ['requested', 'approved'], 'rejet')
    const updated = await updatePayoutById(tx, payoutId, { status: 'rejected', reason, rejectedAt: now })
    await audit(tx, ctx.actor, 'payout.reject', `payout:${payoutId}`, { partnerId, amountCents: p.amountCents, reason })
    return updated
  })
}

/** Marks an approved payout paid: its ledger entry (negative amount) and its status, together. */
export async function payPayout(ctx: PayoutContext, payoutId: number, input: unknown): Promise<PayoutView> {
  const { reference } = paySchema.parse(input)
  const now = ctx.now?.() ?? new Date()
  const partnerId = await partnerOfPayout(ctx, payoutId)
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const p = await lockedPayout(tx, payoutId)
    requireStatus(p, ['approved'], 'paiement')
    await refuseIfOnHold(tx, partnerId, 'paiement')
    await refuseIfOverAvailable(tx, ctx, p, now)
    await bookPaidPayout(tx, { partnerId, payoutId, amountCents: p.amountCents, paidAt: now })
    const updated = await updatePayoutById(tx, payoutId, { status: 'paid', reference, paidAt: now })
    await audit(tx, ctx.actor, 'payout.pay', `payout:${payoutId}`, { partnerId, amountCents: p.amountCents, reference })
    return updated
  })
}
