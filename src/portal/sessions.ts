// Partner portal sessions, held by the server like the console's
// (src/accounts/sessions.ts): the cookie carries a random token, the row is
// found by its SHA-256. A session ends at its absolute expiry, after the idle
// limit, or at logout; every request reads the row, so each is at once.
import { randomBytes } from 'node:crypto'
import {
  deletePortalSessionsExpiredBefore,
  insertPortalSession,
  portalSessionById,
  revokePortalSession,
  touchPortalSession,
} from '../db/queries/portal-sessions.ts'
import type { Queryable } from '../db/queries/access.ts'
import { sessionIdOf, TOUCH_EVERY_MS, type NewSession } from '../accounts/sessions.ts'
import { DAY_MS, HOUR_MS } from '../time.ts'

/** The portal's cookie: its own name, sent to /p only. */
export const PORTAL_COOKIE = 'cf_portal'

export const PORTAL_SESSION = {
  /** A partner signs in again by a new link after a week… */
  maxMs: 7 * DAY_MS,
  /** …or after two hours without a request. */
  idleMs: 2 * HOUR_MS,
}

/** Who a live portal session is. */
export interface PortalAccount {
  /** The row's id (the token's SHA-256), never the token. */
  id: string
  partnerId: number
  name: string
  email: string | null
  csrfSecret: string
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

export async function createPortalSession(
  db: Queryable,
  partnerId: number,
  from: { ip: string; userAgent: string },
  now = new Date(),
): Promise<NewSession> {
  const token = randomBytes(32).toString('base64url')
  const id = sessionIdOf(token)
  const expiresAt = new Date(now.getTime() + PORTAL_SESSION.maxMs)
  await insertPortalSession(db, {
    id,
    partnerId,
    createdAt: now,
    lastSeenAt: now,
    expiresAt,
    csrfSecret: randomBytes(32).toString('base64url'),
    ip: from.ip.slice(0, 64),
    // eslint-disable-next-line no-control-regex -- control characters out (NUL is refused by PostgreSQL)
    userAgent: from.userAgent.slice(0, 200).replace(/[\u0000-\u001f\u007f]|[\ud800-\udfff]/gu, '') || null,
  })
  await deletePortalSessionsExpiredBefore(db, new Date(now.getTime() - DAY_MS))
  return { token, id, expiresAt }
}

/** The live session of a cookie token, or null (malformed, unknown, revoked, expired, idle). */
export async function findPortalSession(db: Queryable, token: string | undefined, now = new Date()): Promise<PortalAccount | null> {
  if (!token || !TOKEN.test(token)) return null
  const row = await portalSessionById(db, sessionIdOf(token))
  if (!row) return null
  const t = now.getTime()
  if (row.revokedAt !== null || row.expiresAt.getTime() <= t || t - row.lastSeenAt.getTime() >= PORTAL_SESSION.idleMs) return null
  if (t - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchPortalSession(db, row.id, now)
  return { id: row.id, partnerId: row.partnerId, name: row.partner.name, email: row.partner.email, csrfSecret: row.csrfSecret }
}

export async function endPortalSession(db: Queryable, id: string, now = new Date()): Promise<boolean> {
  return (await revokePortalSession(db, id, now)) > 0
}
