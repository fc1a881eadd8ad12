// Who may use the console and the admin API: a person's server-side session (its
// random token in an HttpOnly, SameSite=Strict cookie set by the login form, see
// src/accounts/sessions.ts), or the `x-admin-secret` header (as in the sketch,
// compared in constant time) for automation, which acts as an owner. No other
// cookie can act as a session. Route folders guard themselves with
// `app.requireAdmin` in one hook, so no route under /admin or /ops can forget it.
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import { normalizeIP } from '@fastify/rate-limit'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { maskUrl } from '../http/logging.ts'
import type { Role } from '../accounts/roles.ts'
import { endSession, findSession, type NewSession, type SessionAccount } from '../accounts/sessions.ts'
import { SecretGuessLimiter } from '../accounts/throttle.ts'
import { secretsEqual } from '../security/secrets.ts'

export const SESSION_COOKIE = 'cf_session'

/** Who makes a request: an account's session, or automation with the header secret. */
export interface Account {
  role: Role
  /** For the audit log: the account's email, or "admin-api". */
  actor: string
  name: string
  /** Null for the header secret (no session, no CSRF token needed). */
  session: SessionAccount | null
}

export const API_ACCOUNT: Account = Object.freeze({ role: 'owner', actor: 'admin-api', name: 'admin-api', session: null })

function wantsPage(request: FastifyRequest): boolean {
  if (request.url.startsWith('/admin/api') || request.url.includes('.json') || request.url.startsWith('/metrics')) return false
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')
}

function wantsJson(request: FastifyRequest): boolean {
  return request.url.startsWith('/admin/api') || request.url.includes('.json')
}

export default fp(
  async (app) => {
    // The secret signs the flash and the login form's CSRF cookies; sessions need no signature (they live in the database).
    await app.register(cookie, { secret: app.config.sessionSecret, hook: 'onRequest' })
    const policy = { maxMs: app.config.sessionMaxMs, idleMs: app.config.sessionIdleMs }
    const guesses = new SecretGuessLimiter()

    app.decorateRequest('account', null)
    // Requests whose cookie was looked up already: only console requests ever enter it.
    const lookedUp = new WeakSet<FastifyRequest>()

    /** The request's session account, if its cookie names a live session (looked up once per request). */
    app.decorate('sessionAccount', async (request: FastifyRequest): Promise<Account | null> => {
      if (lookedUp.has(request)) return request.account
      lookedUp.add(request)
      const session = await findSession(app.database, request.cookies[SESSION_COOKIE], policy)
      request.account = session ? { role: session.role, actor: session.email, name: session.name, session } : null
      return request.account
    })

    app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers['x-admin-secret']
      if (typeof header === 'string') {
        const address = normalizeIP(request.ip)
        const waitMs = guesses.waitFor(address)
        if (waitMs > 0) {
          request.log.warn({ url: maskUrl(request.url) }, 'admin secret refused: too many wrong guesses from this address')
          reply.code(429).header('retry-after', String(Math.ceil(waitMs / 1000)))
          return wantsJson(request)
            ? reply.send({ error: 'Too Many Requests' })
            : reply.type('text/plain; charset=utf-8').send('Too Many Requests')
        }
        if (secretsEqual(header, app.config.adminSecret)) {
          request.account = API_ACCOUNT
          return
        }
        guesses.failed(address)
      } else if (await app.sessionAccount(request)) {
        return
      }
      const triedSecret = typeof header === 'string'
      request.log.warn({ url: maskUrl(request.url), triedSecret }, 'admin access refused')
      if (!triedSecret && wantsPage(request)) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302)
      }
      reply.code(401)
      if (wantsJson(request)) return reply.send({ error: 'Unauthorized' })
      return reply.type('text/html; charset=utf-8').send('<h3>Unauthorized</h3>')
    })

    /** Hands a new session's token to the browser (a new one at every login: no session fixation). */
    app.decorate('setSessionCookie', (reply: FastifyReply, session: NewSession) => {
      reply.setCookie(SESSION_COOKIE, session.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.env === 'production',
        path: '/',
        expires: session.expiresAt,
      })
    })

    /** Logout: the session ends on the server, whatever the browser keeps. */
    app.decorate('endAdminSession', async (request: FastifyRequest, reply: FastifyReply) => {
      const account = await app.sessionAccount(request)
      if (account?.session) await endSession(app.database, account.session.id)
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
    })
  },
  { name: 'admin-auth' },
)

declare module 'fastify' {
  interface FastifyInstance {
    sessionAccount: (request: FastifyRequest) => Promise<Account | null>
    requireAdmin: (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>
    setSessionCookie: (reply: FastifyReply, session: NewSession) => void
    endAdminSession: (request: FastifyRequest, reply: FastifyReply) => Promise<void>
  }
  interface FastifyRequest {
    /** Set by requireAdmin (or sessionAccount): who makes this request. */
    account: Account | null
  }
}
