// Console sessions, held by the server. The browser's cookie carries only a
// random token; the row is found by the token's SHA-256 (a copy of the table
// opens nothing). A session ends at its absolute expiry, after the idle limit,
// when it is revoked (logout, an owner), or when its account is disabled or its
// password changed: every request reads the row, so each of these is at once.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Db, DbWriter } from '../db/client.ts'
import { isRole, type Role } from './roles.ts'

export interface SessionPolicy {
  maxMs: number
  idleMs: number
}

/** lastSeenAt is written at most this often: not a write per request. */
export const TOUCH_EVERY_MS = 60_000

/** Who a live session is. */
export interface SessionAccount {
  /** The row's id (the token's SHA-256), never the token. */
  id: string
  userId: number
  email: string
  name: string
  role: Role
  csrfSecret: string
  expiresAt: Date
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

export function sessionIdOf(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export interface NewSession {
  /** Goes into the cookie, and nowhere else. */
  token: string
  id: string
  expiresAt: Date
}

export async function createSession(
  db: DbWriter,
  userId: number,
  from: { ip: string; userAgent: string },
  policy: SessionPolicy,
  now = new Date(),
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url')
  const id = sessionIdOf(token)
  const expiresAt = new Date(now.getTime() + policy.maxMs)
  await db.adminSession.create({
    data: {
      id,
      userId,
      createdAt: now,
      lastSeenAt: now,
      expiresAt,
      csrfSecret: randomBytes(32).toString('base64url'),
      ip: from.ip.slice(0, 64),
      userAgent: printable(from.userAgent.slice(0, 200)) || null,
    },
  })
  return { token, id, expiresAt }
}

/** The live session of a cookie token, or null (malformed, unknown, revoked, expired, idle, account disabled). */
export async function findSession(
  db: Db,
  token: string | undefined,
  policy: SessionPolicy,
  now = new Date(),
): Promise<SessionAccount | null> {
  // A token we never issue costs no query.
  if (!token || !TOKEN.test(token)) return null
  const row = await db.adminSession.findUnique({
    where: { id: sessionIdOf(token) },
    select: {
      id: true,
      createdAt: true,
      lastSeenAt: true,
      expiresAt: true,
      revokedAt: true,
      csrfSecret: true,
      user: { select: { id: true, email: true, name: true, role: true, disabledAt: true, passwordChangedAt: true } },
    },
  })
  if (!row || !isLive(row, policy, now)) return null
  const { user } = row
  if (user.disabledAt !== null || user.passwordChangedAt > row.createdAt || !isRole(user.role)) return null
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await db.adminSession.updateMany({ where: { id: row.id, revokedAt: null }, data: { lastSeenAt: now } })
  }
  return {
    id: row.id,
    userId: user.id,
    email: user.email,
    name: user.name,
    role: user.role,
    csrfSecret: row.csrfSecret,
    expiresAt: row.expiresAt,
  }
}

function isLive(row: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, policy: SessionPolicy, now: Date): boolean {
  const t = now.getTime()
  return row.revokedAt === null && row.expiresAt.getTime() > t && t - row.lastSeenAt.getTime() < policy.idleMs
}

/** Ends one session (logout). */
export async function endSession(db: DbWriter, id: string, now = new Date()): Promise<boolean> {
  const { count } = await db.adminSession.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } })
  return count > 0
}

/** Ends every session of an account (disabled, password changed). */
export async function endSessionsOf(db: DbWriter, userId: number, now = new Date()): Promise<number> {
  const { count } = await db.adminSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: now } })
  return count
}

export interface SessionView {
  id: string
  createdAt: Date
  lastSeenAt: Date
  expiresAt: Date
  ip: string | null
  userAgent: string | null
}

/** An account's sessions still live, newest first (for the owner's list). */
export async function liveSessionsOf(db: Db, userId: number, policy: SessionPolicy, now = new Date()): Promise<SessionView[]> {
  const rows = await db.adminSession.findMany({
    where: { userId, revokedAt: null, expiresAt: { gt: now }, lastSeenAt: { gt: new Date(now.getTime() - policy.idleMs) } },
    select: { id: true, createdAt: true, lastSeenAt: true, expiresAt: true, ip: true, userAgent: true },
    orderBy: { createdAt: 'desc' },
    take: 100,
  })
  return rows
}

/** Rows past their expiry are of no use to anyone after a day. */
export async function pruneSessions(db: DbWriter, now = new Date()): Promise<void> {
  await db.adminSession.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 86_400_000) } } })
}

/** The CSRF token of a session's forms: derived from its secret, so no other session's token fits. */
export function csrfTokenOf(session: Pick<SessionAccount, 'id' | 'csrfSecret'>): string {
  return createHmac('sha256', session.csrfSecret).update(`csrf:${session.id}`).digest('base64url')
}

export function csrfTokenMatches(session: Pick<SessionAccount, 'id' | 'csrfSecret'>, given: unknown): boolean {
  if (typeof given !== 'string' || given.length === 0) return false
  // Hashes of both: equal lengths, so the time says nothing about the token.
  const digest = (text: string) => createHash('sha256').update(text).digest()
  return timingSafeEqual(digest(given), digest(csrfTokenOf(session)))
}

/** Control characters out (NUL is refused by PostgreSQL). */
function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/gu, '')
}
