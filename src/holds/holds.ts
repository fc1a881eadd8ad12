// Holds: ops put a partner on hold (no payout can be approved or paid) and lift
// it, each time with a reason. The flag row keeps who/when/why of both ends; the
// audit log records the change in the same transaction.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import type { Queryable } from '../db/queries/access.ts'
import { auditOfActions } from '../db/queries/audit-log.ts'
import {
  activeFlagOf,
  activeFlags,
  activeFlagsOfPartners,
  clearFlag,
  flagsOfPartner,
  insertFlag,
  recentlyClearedFlags,
  type FlagRow,
} from '../db/queries/partner-flags.ts'
import { Refused } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { withPartnerLocked } from '../payouts/payout-lock.ts'

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
    if (current)
      throw new Refused(`partenaire #${partnerId} déjà en hold depuis le ${current.setAt.toISOString().slice(0, 10)} (${current.reason})`)
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

/** The audit trail of hold changes (who/when/why). */
export function holdAudit(db: Queryable, take = 30) {
  return auditOfActions(db, ['hold.set', 'hold.lift'], take)
}
