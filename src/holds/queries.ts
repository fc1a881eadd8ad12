// Reading holds for the console pages.
import type { Db } from '../db/client.ts'
import { HOLD, type ActiveHold } from './holds.ts'

const holdSelect = { id: true, partnerId: true, reason: true, setBy: true, setAt: true } as const

/** Active holds of these partners, by partner. */
export async function activeHoldsOf(db: Db, partnerIds: readonly number[]): Promise<Map<number, ActiveHold>> {
  if (partnerIds.length === 0) return new Map()
  const rows = await db.partnerFlag.findMany({
    where: { flag: HOLD, clearedAt: null, partnerId: { in: [...new Set(partnerIds)] } },
    orderBy: { setAt: 'asc' },
    select: holdSelect,
  })
  return new Map(rows.map((r) => [r.partnerId, r]))
}

export async function allActiveHolds(db: Db) {
  return db.partnerFlag.findMany({
    where: { flag: HOLD, clearedAt: null },
    orderBy: { setAt: 'desc' },
    select: { ...holdSelect, partner: { select: { name: true } } },
  })
}

/** Recently lifted holds (the history under the list). */
export async function recentlyLiftedHolds(db: Db, take = 20) {
  return db.partnerFlag.findMany({
    where: { flag: HOLD, clearedAt: { not: null } },
    orderBy: { clearedAt: 'desc' },
    take,
    select: { ...holdSelect, clearedAt: true, clearedBy: true, clearReason: true, partner: { select: { name: true } } },
  })
}

/** Every flag of one partner, newest first. */
export async function flagsOf(db: Db, partnerId: number) {
  return db.partnerFlag.findMany({ where: { partnerId }, orderBy: { setAt: 'desc' }, take: 50 })
}

/** The audit trail of hold changes (who/when/why). */
export async function holdAudit(db: Db, take = 30) {
  return db.auditLog.findMany({ where: { action: { in: ['hold.set', 'hold.lift'] } }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take })
}
