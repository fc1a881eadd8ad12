// Holds: ops put a partner on hold (no payout can be approved or paid) and lift
// it, each time with a reason. The flag row keeps who/when/why of both ends; the
// audit log records the change in the same transaction.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { Refused } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { withPartnerLocked, type Tx } from '../payouts/payout-lock.ts'

export const HOLD = 'hold'

export interface HoldContext {
  database: Pick<Database, 'prisma' | 'provider'>
  /** Who acts, for the audit log (ops:<name>, admin-api…). */
  actor: string
  now?: () => Date
}

export const reasonSchema = z.string().trim().min(3, 'au moins 3 caractères').max(500, '500 caractères au plus')

export interface ActiveHold {
  id: number
  partnerId: number
  reason: string
  setBy: string
  setAt: Date
}

/** The partner's active hold, if any (read inside a payout's transaction). */
export async function activeHoldOf(db: Pick<Tx, 'partnerFlag'>, partnerId: number): Promise<ActiveHold | null> {
  return db.partnerFlag.findFirst({
    where: { partnerId, flag: HOLD, clearedAt: null },
    orderBy: { setAt: 'desc' },
    select: { id: true, partnerId: true, reason: true, setBy: true, setAt: true },
  })
}

export async function setHold(ctx: HoldContext, partnerId: number, reasonInput: unknown): Promise<ActiveHold> {
  const reason = reasonSchema.parse(reasonInput)
  const now = ctx.now?.() ?? new Date()
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const current = await activeHoldOf(tx, partnerId)
    if (current)
      throw new Refused(`partenaire #${partnerId} déjà en hold depuis le ${current.setAt.toISOString().slice(0, 10)} (${current.reason})`)
    const flag = await tx.partnerFlag.create({
      data: { partnerId, flag: HOLD, reason, setBy: ctx.actor, setAt: now },
      select: { id: true, partnerId: true, reason: true, setBy: true, setAt: true },
    })
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
    await tx.partnerFlag.update({ where: { id: current.id }, data: { clearedBy: ctx.actor, clearedAt: now, clearReason: reason } })
    await audit(tx, ctx.actor, 'hold.lift', `partner:${partnerId}`, { reason, flagId: current.id })
    return { id: current.id, clearedAt: now }
  })
}
