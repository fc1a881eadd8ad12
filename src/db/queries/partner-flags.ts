// Partner flags (holds): reads and writes of the partner_flags table. A flag is
// active until it is cleared; clearing keeps who, when and why.
import type { DbWriter } from '../client.ts'
import type { PartnerFlag, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const fields = { id: true, partnerId: true, reason: true, setBy: true, setAt: true } as const
/** An active flag: who set it, when and why. */
export type FlagRow = Prisma.PartnerFlagGetPayload<{ select: typeof fields }>

const withPartner = { ...fields, partner: { select: { name: true } } } as const
export type FlagWithPartner = Prisma.PartnerFlagGetPayload<{ select: typeof withPartner }>

const clearedWithPartner = { ...withPartner, clearedAt: true, clearedBy: true, clearReason: true } as const
export type ClearedFlagWithPartner = Prisma.PartnerFlagGetPayload<{ select: typeof clearedWithPartner }>

/** The partner's newest active flag of this kind. */
export function activeFlagOf(db: Queryable, partnerId: number, flag: string): Promise<FlagRow | null> {
  return clientOf(db).partnerFlag.findFirst({
    where: { partnerId, flag, clearedAt: null },
    orderBy: { setAt: 'desc' },
    select: fields,
  })
}

export function insertFlag(db: Queryable, data: Prisma.PartnerFlagUncheckedCreateInput): Promise<FlagRow> {
  return clientOf(db).partnerFlag.create({ data, select: fields })
}

export async function clearFlag(
  db: DbWriter,
  id: number,
  cleared: { clearedBy: string; clearedAt: Date; clearReason: string },
): Promise<void> {
  await db.partnerFlag.update({ where: { id }, data: cleared })
}

/** Active flags of this kind of these partners, oldest first. */
export function activeFlagsOfPartners(db: Queryable, flag: string, partnerIds: readonly number[]): Promise<FlagRow[]> {
  return clientOf(db).partnerFlag.findMany({
    where: { flag, clearedAt: null, partnerId: { in: [...partnerIds] } },
    orderBy: { setAt: 'asc' },
    select: fields,
  })
}

/** Every active flag of this kind, newest first, with the partner's name. */
export function activeFlags(db: Queryable, flag: string): Promise<FlagWithPartner[]> {
  return clientOf(db).partnerFlag.findMany({ where: { flag, clearedAt: null }, orderBy: { setAt: 'desc' }, select: withPartner })
}

/** The flags of this kind cleared last, newest first, with the partner's name. */
export function recentlyClearedFlags(db: Queryable, flag: string, take: number): Promise<ClearedFlagWithPartner[]> {
  return clientOf(db).partnerFlag.findMany({
    where: { flag, clearedAt: { not: null } },
    orderBy: { clearedAt: 'desc' },
    take,
    select: clearedWithPartner,
  })
}

/** The flags of this kind set last (active or cleared since), newest first, with the partner's name. */
export function recentlySetFlags(db: Queryable, flag: string, take: number): Promise<ClearedFlagWithPartner[]> {
  return clientOf(db).partnerFlag.findMany({
    where: { flag },
    orderBy: [{ setAt: 'desc' }, { id: 'desc' }],
    take,
    select: clearedWithPartner,
  })
}

/** Every flag of one partner, newest first. */
export function flagsOfPartner(db: Queryable, partnerId: number, take: number): Promise<PartnerFlag[]> {
  return clientOf(db).partnerFlag.findMany({ where: { partnerId }, orderBy: { setAt: 'desc' }, take })
}
