// Portal sign-in by magic link: a random token (32 bytes) goes into the link,
// only its SHA-256 into portal_links; a link works once, within 15 minutes.
// Asking for a link answers the same whether the email is a partner's or not;
// requests are counted per email and per address (15-minute windows, in
// login_throttles under keys of their own), and past the limit the answer is a
// refusal that is also the same for every email.
import { createHash, randomBytes } from 'node:crypto'
import type { Queryable } from '../db/queries/access.ts'
import { saveThrottle, throttleOf } from '../db/queries/login-throttles.ts'
import { deletePortalLinksExpiredBefore, insertPortalLink, partnerIdByEmail, usePortalLink } from '../db/queries/portal-links.ts'
import { TooManyAttempts } from '../accounts/throttle.ts'
import { normaliseEmail } from '../accounts/signin.ts'
import { DAY_MS, MINUTE_MS } from '../time.ts'

export const LINK_TTL_MS = 15 * MINUTE_MS

export const LINK_REQUEST_LIMITS = {
  windowMs: 15 * MINUTE_MS,
  perEmail: 3,
  perAddress: 10,
}

const TOKEN = /^[A-Za-z0-9_-]{43}$/

function linkIdOf(token: string): string {
  return createHash('sha256').update(`portal-link:${token}`).digest('hex')
}

/** The sign-in URL of a token: the token in the query, which request logs mask. */
export function signInUrl(baseUrl: string, token: string): string {
  return `${baseUrl}/p/auth?token=${token}`
}

/** A new link for a partner; the token, which goes into the link and nowhere else. */
export async function makeSignInToken(db: Queryable, partnerId: number, now = new Date()): Promise<string> {
  const token = randomBytes(32).toString('base64url')
  await insertPortalLink(db, { id: linkIdOf(token), partnerId, createdAt: now, expiresAt: new Date(now.getTime() + LINK_TTL_MS) })
  await deletePortalLinksExpiredBefore(db, new Date(now.getTime() - DAY_MS))
  return token
}

/** Uses a link: the partner it signs in, or null (malformed, unknown, used, expired). */
export async function useSignInToken(db: Queryable, token: unknown, now = new Date()): Promise<number | null> {
  if (typeof token !== 'string' || !TOKEN.test(token)) return null
  return usePortalLink(db, linkIdOf(token), now)
}

function counterKey(kind: 'email' | 'address', value: string): string {
  return createHash('sha256').update(`portal-link-request:${kind}\u0000${value}`).digest('hex')
}

/** Counts one request in a window; refused (TooManyAttempts) past `limit` requests in it. */
async function countRequest(db: Queryable, key: string, limit: number, now: Date): Promise<void> {
  const row = await throttleOf(db, key)
  const t = now.getTime()
  const fresh = !row || t - row.lastFailureAt.getTime() >= LINK_REQUEST_LIMITS.windowMs
  // lastFailureAt holds the window's start, failures the requests in it.
  const start = fresh ? now : row.lastFailureAt
  const count = fresh ? 1 : row.failures + 1
  if (count > limit) {
    throw new TooManyAttempts(Math.max(1, Math.ceil((start.getTime() + LINK_REQUEST_LIMITS.windowMs - t) / 1000)))
  }
  await saveThrottle(db, { key, failures: count, lastFailureAt: start, blockedUntil: null })
}

export interface LinkRequest {
  email: unknown
  /** The address the throttle counts by (IPv6 by its /64). */
  address: string
}

/**
 * A partner's request for a link: the partner and token to email when the
 * email is a partner's, null otherwise — the caller answers both the same way.
 */
export async function requestSignInLink(
  db: Queryable,
  input: LinkRequest,
  now = new Date(),
): Promise<{ partnerId: number; email: string; token: string } | null> {
  const email = normaliseEmail(input.email)
  await countRequest(db, counterKey('address', input.address), LINK_REQUEST_LIMITS.perAddress, now)
  await countRequest(db, counterKey('email', email), LINK_REQUEST_LIMITS.perEmail, now)
  if (!/^[^\s@]+@[^\s@]+$/u.test(email)) return null
  const partnerId = await partnerIdByEmail(db, email)
  if (partnerId === null) return null
  return { partnerId, email, token: await makeSignInToken(db, partnerId, now) }
}
