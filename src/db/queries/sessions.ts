// Console sessions: reads and writes of the admin_sessions table (rows keyed by
// the SHA-256 of the cookie's token, never the token).
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export async function insertSession(db: Queryable, data: Prisma.AdminSessionUncheckedCreateInput): Promise<void> {
  await clientOf(db).adminSession.create({ data })
}

const withAccount = {
  id: true,
  createdAt: true,
  lastSeenAt: true,
  expiresAt: true,
  revokedAt: true,
  csrfSecret: true,
  user: { select: { id: true, email: true, name: true, role: true, disabledAt: true, passwordChangedAt: true } },
} as const
export type SessionWithAccount = Prisma.AdminSessionGetPayload<{ select: typeof withAccount }>

/** A session row with its account, for checking it is live. */
export function sessionWithAccount(db: Queryable, id: string): Promise<SessionWithAccount | null> {
  return clientOf(db).adminSession.findUnique({ where: { id }, select: withAccount })
}

/** Whose session this is, and whether it has ended. */
export function sessionOwner(db: Queryable, id: string): Promise<{ userId: number; revokedAt: Date | null } | null> {
  return clientOf(db).adminSession.findUnique({ where: { id }, select: { userId: true, revokedAt: true } })
}

/** Records activity on a session not revoked. */
export async function touchSession(db: Queryable, id: string, at: Date): Promise<void> {
  await clientOf(db).adminSession.updateMany({ where: { id, revokedAt: null }, data: { lastSeenAt: at } })
}

/** Revokes the live sessions matching (one by id, or every one of an account); how many it revoked. */
export async function revokeSessions(db: Queryable, which: { id: string } | { userId: number }, at: Date): Promise<number> {
  const { count } = await clientOf(db).adminSession.updateMany({ where: { ...which, revokedAt: null }, data: { revokedAt: at } })
  return count
}

const listed = { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true } as const
export type SessionRow = Prisma.AdminSessionGetPayload<{ select: typeof listed }>

/** An account's sessions not revoked, not expired at `now` and seen after `seenAfter`, newest first. */
export function liveSessionRows(db: Queryable, userId: number, now: Date, seenAfter: Date, take: number): Promise<SessionRow[]> {
  return clientOf(db).adminSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, lastSeenAt: { gt: seenAfter } },
    select: listed,
    orderBy: { createdAt: 'desc' },
    take,
  })
}

/** Deletes the sessions that expired before `before`. */
export async function deleteSessionsExpiredBefore(db: Queryable, before: Date): Promise<void> {
  await clientOf(db).adminSession.deleteMany({ where: { expiresAt: { lt: before } } })
}
