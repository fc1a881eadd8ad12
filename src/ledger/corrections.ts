// Corrections and adjustments made by ops (DESIGN.md "Admin access"): a
// conversion's status, its amount or its partner changed by hand, and a
// partner's ± adjustment. Each carries a mandatory reason; each writes a history
// step (source `console`) and an audit line (who, why) in the transaction of the
// change. The history has no column for who acted: the audit log holds it.
// The rules are pure (plan*); the writes are conditional on the entry being still
// as read, so a postback landing meanwhile is never overwritten blindly.
//
// An amount correction corrects what the network pays (the revenue, as a
// network's own correction does): the partner's earnings follow from the terms
// the entry was booked under (src/terms), and the history keeps the revenue, like
// the postbacks' steps. Under the default terms (revshare 100 %) both are equal.
import type { Database } from '../db/client.ts'
import { inTransaction } from '../db/queries/access.ts'
import { appendAudit } from '../db/queries/audit-log.ts'
import { lockPartner } from '../db/queries/partners.ts'
import {
  conversionForCorrection,
  insertAdjustmentEntry,
  insertConsoleHistory,
  updateConversionIfUnchanged,
} from '../db/queries/wallet-entries.ts'
import { InvalidInput, NotFound, Refused } from '../errors.ts'
import { conversionWithId, type ConversionView } from './conversions.ts'
import { CONVERSION_STATUSES, type ConversionStatus } from './transitions.ts'
import { conversionEarnings, termsOfEntry } from '../terms/rules.ts'

export interface CorrectionContext {
  database: Pick<Database, 'prisma' | 'provider'>
  /** Who acts, for the audit log (the account's email, admin-api for the header secret). */
  actor: string
  now?: () => Date
}

export const MAX_REASON_LENGTH = 500
/** The largest amount an entry holds (a 32-bit integer column). */
export const MAX_CENTS = 2_147_483_647

/** The reason, trimmed: mandatory, at most 500 characters. */
export function reasonOf(input: unknown): string {
  const reason = typeof input === 'string' ? input.trim() : ''
  if (reason === '') throw new InvalidInput('reason is required')
  if (reason.length > MAX_REASON_LENGTH) throw new InvalidInput(`reason is too long (at most ${MAX_REASON_LENGTH} characters)`)
  return reason
}

/** A conversion as a correction reads it. */
export interface CorrectedEntry {
  id: number
  partnerId: number | null
  status: string
  amountCents: number
  flag: string | null
  /** What the network pays; null or absent: the amount (revshare 100 %). */
  revenueCents?: number | null
  termsMode?: string | null
  termsValue?: number | null
}

/** What a correction writes: the new fields, its history step and what the audit line says. */
export interface CorrectionPlan {
  action: string
  data: { status?: ConversionStatus; amountCents?: number; revenueCents?: number; partnerId?: number; flag?: null }
  history: { fromStatus: string; toStatus: string; word: string; amountCents: number | null }
  detail: Record<string, unknown>
  /** Partners whose money moves (locked, like a payout locks them). */
  partners: number[]
}

const partnersOf = (...ids: (number | null)[]) => [...new Set(ids.filter((id): id is number => id !== null))].sort((a, b) => a - b)

export function planStatusCorrection(entry: CorrectedEntry, status: string): CorrectionPlan {
  if (!(CONVERSION_STATUSES as readonly string[]).includes(status))
    throw new InvalidInput(`status must be one of ${CONVERSION_STATUSES.join(', ')}`)
  if (entry.status === status) throw new Refused(`already ${status}`)
  return {
    action: 'conversion.status',
    data: { status: status as ConversionStatus },
    history: { fromStatus: entry.status, toStatus: status, word: 'status corrected', amountCents: entry.revenueCents ?? entry.amountCents },
    detail: { from: entry.status, to: status },
    partners: partnersOf(entry.partnerId),
  }
}

export function planAmountCorrection(entry: CorrectedEntry, amountCents: number): CorrectionPlan {
  if (!Number.isSafeInteger(amountCents) || amountCents < 0 || amountCents > MAX_CENTS)
    throw new InvalidInput('amountCents must be a whole number of cents, 0 or more')
  const revenue = entry.revenueCents ?? entry.amountCents
  if (revenue === amountCents) throw new Refused(`already ${amountCents} cents`)
  const earnings = conversionEarnings(termsOfEntry(entry.termsMode ?? null, entry.termsValue ?? null), amountCents)
  return {
    action: 'conversion.amount',
    data: { amountCents: earnings, revenueCents: amountCents },
    history: { fromStatus: entry.status, toStatus: entry.status, word: 'amount corrected', amountCents },
    // The earnings are named only when terms make them differ from the revenue.
    detail:
      earnings === amountCents && entry.amountCents === revenue
        ? { fromCents: revenue, toCents: amountCents }
        : { fromCents: revenue, toCents: amountCents, fromEarningsCents: entry.amountCents, toEarningsCents: earnings },
    partners: partnersOf(entry.partnerId),
  }
}

/** Only an unattributed or flagged conversion may be assigned; the flag is cleared. */
export function planAssignment(entry: CorrectedEntry, partnerId: number): CorrectionPlan {
  if (entry.partnerId !== null && entry.flag === null)
    throw new Refused(`conversion #${entry.id} is already attributed to partner #${entry.partnerId} and not flagged`)
  return {
    action: 'conversion.assign',
    data: { partnerId, flag: null },
    history: {
      fromStatus: entry.status,
      toStatus: entry.status,
      word: `assigned to partner #${partnerId}`,
      amountCents: entry.revenueCents ?? entry.amountCents,
    },
    detail: { fromPartnerId: entry.partnerId, toPartnerId: partnerId, clearedFlag: entry.flag },
    partners: partnersOf(entry.partnerId, partnerId),
  }
}

class ConcurrentChange extends Error {}

const MAX_ATTEMPTS = 3

/** Reads the conversion, plans the change and writes it if the conversion is still as read (else reads again). */
async function correct(
  ctx: CorrectionContext,
  id: number,
  reasonInput: unknown,
  plan: (entry: CorrectedEntry) => CorrectionPlan,
): Promise<ConversionView> {
  const reason = reasonOf(reasonInput)
  for (let attempt = 1; ; attempt++) {
    const entry = await conversionForCorrection(ctx.database, id)
    if (!entry) throw new NotFound(`no conversion #${id}`)
    const change = plan(entry)
    const now = ctx.now?.() ?? new Date()
    try {
      await inTransaction(ctx.database, async (tx) => {
        for (const partnerId of change.partners)
          if (!(await lockPartner(tx, ctx.database.provider, partnerId))) throw new NotFound(`no partner #${partnerId}`)
        if ((await updateConversionIfUnchanged(tx, entry, change.data, now)) !== 1) throw new ConcurrentChange()
        await insertConsoleHistory(tx, { entryId: id, ...change.history, at: now })
        await appendAudit(tx, {
          actor: ctx.actor,
          action: change.action,
          subject: `conversion:${id}`,
          detail: JSON.stringify({ ...change.detail, reason }),
        })
      })
    } catch (err) {
      if (err instanceof ConcurrentChange && attempt < MAX_ATTEMPTS) continue
      if (err instanceof ConcurrentChange) throw new Refused(`conversion #${id} changed meanwhile, try again`)
      throw err
    }
    return conversionWithId(ctx.database, id)
  }
}

export function correctStatus(ctx: CorrectionContext, id: number, status: string, reason: unknown): Promise<ConversionView> {
  return correct(ctx, id, reason, (entry) => planStatusCorrection(entry, status))
}

export function correctAmount(ctx: CorrectionContext, id: number, amountCents: number, reason: unknown): Promise<ConversionView> {
  return correct(ctx, id, reason, (entry) => planAmountCorrection(entry, amountCents))
}

export function assignConversion(ctx: CorrectionContext, id: number, partnerId: number, reason: unknown): Promise<ConversionView> {
  return correct(ctx, id, reason, (entry) => planAssignment(entry, partnerId))
}

/** A non-zero whole number of cents, either sign. */
export function checkAdjustment(amountCents: number): number {
  if (!Number.isSafeInteger(amountCents) || amountCents === 0 || Math.abs(amountCents) > MAX_CENTS)
    throw new InvalidInput('amountCents must be a non-zero whole number of cents')
  return amountCents
}

/**
 * A partner's adjustment: a confirmed entry of ± cents, counted in the partner's
 * confirmed money at once and never reserved (a decision, not a conversion), under
 * the partner's lock (a payout's balance check sees it or not, never half of it).
 */
export async function adjustPartner(
  ctx: CorrectionContext,
  partnerId: number,
  amountInput: number,
  reasonInput: unknown,
): Promise<{ id: number }> {
  const reason = reasonOf(reasonInput)
  const amountCents = checkAdjustment(amountInput)
  const now = ctx.now?.() ?? new Date()
  return inTransaction(ctx.database, async (tx) => {
    if (!(await lockPartner(tx, ctx.database.provider, partnerId))) throw new NotFound(`no partner #${partnerId}`)
    const id = await insertAdjustmentEntry(tx, { partnerId, amountCents, at: now })
    await insertConsoleHistory(tx, { entryId: id, fromStatus: null, toStatus: 'confirmed', word: 'adjustment', amountCents, at: now })
    await appendAudit(tx, {
      actor: ctx.actor,
      action: 'partner.adjustment',
      subject: `partner:${partnerId}`,
      detail: JSON.stringify({ entryId: id, amountCents, reason }),
    })
    return { id }
  })
}
