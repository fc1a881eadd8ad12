// Partner portal sessions (portal_sessions): rows keyed by the SHA-256 of the
// cookie's token, never the token.
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export async function insertPortalSession(db: Queryable, data: Prisma.PortalSessionUncheckedCreateInput): Promise<void> {
  await clientOf(db).portalSession.create({ data })
}

const withPartner = {
  id: true,
  partnerId: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  revokedAt: true,
  csrfSecret: true,
  partner: { select: { id: true, name: true, email: true } },
} as const
export type PortalSessionRow = Prisma.PortalSessionGetPayload<{ select: typeof withPartner }>

export function portalSessionById(db: Queryable, id: string): Promise<PortalSessionRow | null> {
  return clientOf(db).portalSession.findUnique({ where: { id }, select: withPartner })
}

export async function touchPortalSession(db: Queryable, id: string, at: Date): Promise<void> {
  await clientOf(db).portalSession.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: at } })
}

export async function revokePortalSession(db: Queryable, id: string, at: Date): Promise<number> {
  const { count } = await clientOf(db).portalSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: at } })
  return count
}

export async function deletePortalSessionsExpiredBefore(db: Queryable, before: Date): Promise<void> {
  await clientOf(db).portalSession.deleteMany({ where: { expiresAt: { lt: before } } })
}
