// Holds: ops put a partner on hold (no payout can be approved or paid) and lift
// it, each time with a reason. The flag row keeps who/when/why of both ends; the
// audit log records the change in the same transaction.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import type { Queryable } from '../db/queries/access.ts'
import {
  activeFlagOf,
  activeFlags,
  activeFlagsOfPartners,
  clearFlag,
  flagsOfPartner,
  insertFlag,
  recentlyClearedFlags,
  recentlySetFlags,
  type FlagRow,
} from '../db/queries/partner-flags.ts'
import { Refused } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { withPartnerLocked } from '../payouts/payout-lock.ts'
import { formatDate } from '../format/dates.ts'

export const HOLD = 'hold'

export interface HoldContext {
  database: Pick<Database, 'prisma' | 'provider'>
  /** Who acts, for the audit log (ops:<name>, admin-api…). */
  actor: string
  now?: () => Date
}

export const reasonSchema = z.string().trim().min(3, 'au moins 3 caractères').max(500, '500 caractères au plus')

export type ActiveHold = FlagRow

/** The partner's active hold, if any (read inside a payout's transaction). */
export async function activeHoldOf(db: Queryable, partnerId: number): Promise<ActiveHold | null> {
  return activeFlagOf(db, partnerId, HOLD)
}

export async function setHold(ctx: HoldContext, partnerId: number, reasonInput: unknown): Promise<ActiveHold> {
  const reason = reasonSchema.parse(reasonInput)
  const now = ctx.now?.() ?? new Date()
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const current = await activeHoldOf(tx, partnerId)
    if (current) throw new Refused(`partenaire #${partnerId} déjà en hold depuis le ${formatDate(current.setAt)} (${current.reason})`)
    const flag = await insertFlag(tx, { partnerId, flag: HOLD, reason, setBy: ctx.actor, setAt: now })
    await audit(tx, ctx.actor, 'hold.set', `partner:${partnerId}`, { reason, flagId: flag.id })
    return flag
  })
}

export async function liftHold(ctx: HoldContext, partnerId: number, reasonInput: unknown): Promise<{ id: number; clearedAt: Date }> {
  const reason = reasonSchema.parse(reasonInput)
  const now = ctx.now?.() ?? new Date()
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const current = await activeHoldOf(tx, partnerId)
    if (!current) throw new Refused(`partenaire #${partnerId} n'est pas en hold`)
    await clearFlag(tx, current.id, { clearedBy: ctx.actor, clearedAt: now, clearReason: reason })
    await audit(tx, ctx.actor, 'hold.lift', `partner:${partnerId}`, { reason, flagId: current.id })
    return { id: current.id, clearedAt: now }
  })
}

// Reading holds for the console pages.

/** Active holds of these partners, by partner. */
export async function activeHoldsOf(db: Queryable, partnerIds: readonly number[]): Promise<Map<number, ActiveHold>> {
  if (partnerIds.length === 0) return new Map()
  const rows = await activeFlagsOfPartners(db, HOLD, [...new Set(partnerIds)])
  return new Map(rows.map((r) => [r.partnerId, r]))
}

export function allActiveHolds(db: Queryable) {
  return activeFlags(db, HOLD)
}

/** Recently lifted holds (the history under the list). */
export function recentlyLiftedHolds(db: Queryable, take = 20) {
  return recentlyClearedFlags(db, HOLD, take)
}

/** Every flag of one partner, newest first. */
export function flagsOf(db: Queryable, partnerId: number) {
  return flagsOfPartner(db, partnerId, 50)
}

/** One line of the holds journal: a hold put or lifted. */
export interface HoldEvent {
  at: Date
  action: 'set' | 'lift'
  by: string
  partnerId: number
  partnerName: string
  reason: string
}

/**
 * The journal of holds put and lifted, newest first, read from the holds
 * themselves: it lists every hold the page shows above it, however it was set
 * (console, API, demo data), with who, when and why.
 */
export async function holdJournal(db: Queryable, take = 30): Promise<HoldEvent[]> {
  // The newest `take` events are among the newest `take` puts and the newest `take` lifts.
  const [set, lifted] = await Promise.all([recentlySetFlags(db, HOLD, take), recentlyClearedFlags(db, HOLD, take)])
  const events: HoldEvent[] = [
    ...set.map((f) => ({
      at: f.setAt,
      action: 'set' as const,
      by: f.setBy,
      partnerId: f.partnerId,
      partnerName: f.partner.name,
      reason: f.reason,
    })),
    ...lifted.map((f) => ({
      at: f.clearedAt!,
      action: 'lift' as const,
      by: f.clearedBy ?? '',
      partnerId: f.partnerId,
      partnerName: f.partner.name,
      reason: f.clearReason ?? '',
    })),
  ]
  return events.sort((a, b) => b.at.getTime() - a.at.getTime() || (a.action === b.action ? 0 : a.action === 'lift' ? -1 : 1)).slice(0, take)
}
