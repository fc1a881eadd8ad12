// Signing in with email and password. Every wrong answer is the same (unknown
// email, wrong password, disabled account) and costs the same scrypt time, so
// neither the message nor the timing says which accounts exist. Attempts are
// throttled per (email, address): see throttle.ts.
import type { Queryable } from '../db/queries/access.ts'
import { userCredentials } from '../db/queries/users.ts'
import { DomainError } from '../errors.ts'
import { verifyNobody, verifyPassword } from './passwords.ts'
import { createSession, pruneSessions, type NewSession, type SessionPolicy } from './sessions.ts'
import { throttleKey, throttledAttempt } from './throttle.ts'

export class WrongCredentials extends DomainError {
  constructor() {
    super('email ou mot de passe incorrect', 401)
  }
}

export interface SignInContext {
  db: Queryable
  policy: SessionPolicy
  now?: () => Date
}

export interface SignInInput {
  email: unknown
  password: unknown
  /** Where the attempt comes from, as the session records it. */
  ip: string
  /** The address the throttle counts by (IPv6 by its /64, or wider, so a block of addresses is one). */
  throttleAddress?: string
  userAgent: string
}

/** The email as accounts store it; anything that cannot be one is kept as typed, to be throttled like the rest. */
export function normaliseEmail(input: unknown): string {
  return typeof input === 'string' ? input.trim().toLowerCase().slice(0, 254) : ''
}

// Printable, no spaces, an @: the only emails worth a query (and nothing PostgreSQL refuses).
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LOOKS_LIKE_EMAIL = /^[^\s@\u0000-\u001f\u007f]+@[^\s@\u0000-\u001f\u007f]+$/u

export async function signIn(ctx: SignInContext, input: SignInInput): Promise<NewSession & { userId: number; email: string }> {
  const now = ctx.now ?? (() => new Date())
  const email = normaliseEmail(input.email)
  const password = typeof input.password === 'string' ? input.password.slice(0, 1024) : ''
  const user = await throttledAttempt(ctx.db, throttleKey(email, input.throttleAddress ?? input.ip), now, async () => {
    const row = LOOKS_LIKE_EMAIL.test(email) ? await userCredentials(ctx.db, email) : null
    if (!row) return verifyNobody(password).then(() => null)
    const ok = await verifyPassword(password, row.passwordHash)
    return ok && row.disabledAt === null ? row : null
  })
  if (!user) throw new WrongCredentials()
  const at = now()
  const session = await createSession(ctx.db, user.id, { ip: input.ip, userAgent: input.userAgent }, ctx.policy, at)
  await pruneSessions(ctx.db, at)
  return { ...session, userId: user.id, email: user.email }
}
