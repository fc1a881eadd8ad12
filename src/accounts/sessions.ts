// Console sessions, held by the server. The browser's cookie carries only a
// random token; the row is found by the token's SHA-256 (a copy of the table
// opens nothing). A session ends at its absolute expiry, after the idle limit,
// when it is revoked (logout, an owner), or when its account is disabled or its
// password changed: every request reads the row, so each of these is at once.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import type { Queryable } from '../db/queries/access.ts'
import {
  deleteSessionsExpiredBefore,
  insertSession,
  liveSessionRows,
  revokeSessions,
  sessionWithAccount,
  touchSession,
  type SessionRow,
} from '../db/queries/sessions.ts'
import { DAY_MS, MINUTE_MS } from '../time.ts'
import { isRole, type Role } from './roles.ts'

export interface SessionPolicy {
  maxMs: number
  idleMs: number
}

/** lastSeenAt is written at most this often: not a write per request. */
export const TOUCH_EVERY_MS = MINUTE_MS

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
  db: Queryable,
  userId: number,
  from: { ip: string; userAgent: string },
  policy: SessionPolicy,
  now = new Date(),
): Promise<NewSession> {
  const { token, row } = newSessionRow(from, policy.maxMs, now)
  await insertSession(db, { ...row, userId })
  return { token, id: row.id, expiresAt: row.expiresAt }
}

/**
 * A new session's token (for the cookie only) and its row: keyed by the token's
 * SHA-256, with its own CSRF secret and the client's address and user agent, cut.
 * Shared by the console's sessions and the partner portal's.
 */
export function newSessionRow(from: { ip: string; userAgent: string }, maxMs: number, now: Date) {
  const token = randomBytes(32).toString('base64url')
  return {
    token,
    row: {
      id: sessionIdOf(token),
      createdAt: now,
      lastSeenAt: now,
      expiresAt: new Date(now.getTime() + maxMs),
      csrfSecret: randomBytes(32).toString('base64url'),
      ip: from.ip.slice(0, 64),
      userAgent: printable(from.userAgent.slice(0, 200)) || null,
    },
  }
}

/** A token of the shape we issue (anything else costs no query). */
export function isSessionToken(token: string | undefined): token is string {
  return token !== undefined && TOKEN.test(token)
}

/** The live session of a cookie token, or null (malformed, unknown, revoked, expired, idle, account disabled). */
export async function findSession(
  db: Queryable,
  token: string | undefined,
  policy: SessionPolicy,
  now = new Date(),
): Promise<SessionAccount | null> {
  // A token we never issue costs no query.
  if (!isSessionToken(token)) return null
  const row = await sessionWithAccount(db, sessionIdOf(token))
  if (!row || !isLive(row, policy, now)) return null
  const { user } = row
  if (user.disabledAt !== null || user.passwordChangedAt > row.createdAt || !isRole(user.role)) return null
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) {
    await touchSession(db, row.id, now)
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

/** Not revoked, before its absolute expiry, and used within the idle limit. */
export function isLive(row: { revokedAt: Date | null; expiresAt: Date; lastSeenAt: Date }, policy: SessionPolicy, now: Date): boolean {
  const t = now.getTime()
  return row.revokedAt === null && row.expiresAt.getTime() > t && t - row.lastSeenAt.getTime() < policy.idleMs
}

/** Ends one session (logout). */
export async function endSession(db: Queryable, id: string, now = new Date()): Promise<boolean> {
  return (await revokeSessions(db, { id }, now)) > 0
}

/** Ends every session of an account (disabled, password changed). */
export async function endSessionsOf(db: Queryable, userId: number, now = new Date()): Promise<number> {
  return revokeSessions(db, { userId }, now)
}

export type SessionView = SessionRow

/** An account's sessions still live, newest first (for the owner's list). */
export function liveSessionsOf(db: Queryable, userId: number, policy: SessionPolicy, now = new Date()): Promise<SessionView[]> {
  return liveSessionRows(db, userId, now, new Date(now.getTime() - policy.idleMs), 100)
}

/** Rows past their expiry are of no use to anyone after a day. */
export async function pruneSessions(db: Queryable, now = new Date()): Promise<void> {
  await deleteSessionsExpiredBefore(db, new Date(now.getTime() - DAY_MS))
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
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/gu, '')
}
