// Partner portal sessions, held by the server like the console's
// (src/accounts/sessions.ts): the cookie carries a random token, the row is
// found by its SHA-256. A session ends at its absolute expiry, after the idle
// limit, or at logout; every request reads the row, so each is at once.
import {
  deletePortalSessionsExpiredBefore,
  insertPortalSession,
  portalSessionById,
  revokePortalSession,
  touchPortalSession,
} from '../db/queries/portal-sessions.ts'
import type { Queryable } from '../db/queries/access.ts'
import { isLive, isSessionToken, newSessionRow, sessionIdOf, TOUCH_EVERY_MS, type NewSession } from '../accounts/sessions.ts'
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

export async function createPortalSession(
  db: Queryable,
  partnerId: number,
  from: { ip: string; userAgent: string },
  now = new Date(),
): Promise<NewSession> {
  const { token, row } = newSessionRow(from, PORTAL_SESSION.maxMs, now)
  await insertPortalSession(db, { ...row, partnerId })
  await deletePortalSessionsExpiredBefore(db, new Date(now.getTime() - DAY_MS))
  return { token, id: row.id, expiresAt: row.expiresAt }
}

/** The live session of a cookie token, or null (malformed, unknown, revoked, expired, idle). */
export async function findPortalSession(db: Queryable, token: string | undefined, now = new Date()): Promise<PortalAccount | null> {
  if (!isSessionToken(token)) return null
  const row = await portalSessionById(db, sessionIdOf(token))
  if (!row || !isLive(row, PORTAL_SESSION, now)) return null
  if (now.getTime() - row.lastSeenAt.getTime() >= TOUCH_EVERY_MS) await touchPortalSession(db, row.id, now)
  return { id: row.id, partnerId: row.partnerId, name: row.partner.name, email: row.partner.email, csrfSecret: row.csrfSecret }
}

export async function endPortalSession(db: Queryable, id: string, now = new Date()): Promise<boolean> {
  return (await revokePortalSession(db, id, now)) > 0
}
