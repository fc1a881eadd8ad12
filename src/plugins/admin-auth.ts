// Who may use the console and the admin API: the `x-admin-secret` header (as in the
// sketch, compared in constant time) or a signed, HttpOnly, SameSite session cookie
// set by the login form. Route folders guard themselves with `app.requireAdmin`
// in their autohooks.ts, so no route under /admin or /ops can forget it.
import { hash, randomBytes, timingSafeEqual } from 'node:crypto'
import fp from 'fastify-plugin'
import cookie from '@fastify/cookie'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { maskUrl } from '../http/logging.ts'

export const SESSION_COOKIE = 'cf_session'
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000

/** Constant-time equality of two secrets of any length. */
export function secretsEqual(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  // One-shot hash(): every postback passes here, and createHash().update().digest() costs it ~3 µs more.
  return timingSafeEqual(hash('sha256', given, 'buffer'), hash('sha256', expected, 'buffer'))
}

export interface AdminSession {
  id: string
  expiresAt: number
}

function readSession(request: FastifyRequest, now = Date.now()): AdminSession | null {
  const raw = request.cookies[SESSION_COOKIE]
  if (!raw) return null
  const unsigned = request.unsignCookie(raw)
  if (!unsigned.valid || !unsigned.value) return null
  const [id, exp] = unsigned.value.split('.')
  const expiresAt = Number(exp)
  if (!id || !Number.isFinite(expiresAt) || expiresAt <= now) return null
  return { id, expiresAt }
}

function wantsPage(request: FastifyRequest): boolean {
  if (request.url.startsWith('/admin/api') || request.url.includes('.json') || request.url.startsWith('/metrics')) return false
  return request.method === 'GET' && (request.headers.accept ?? '').includes('text/html')
}

export default fp(
  async (app) => {
    await app.register(cookie, { secret: app.config.sessionSecret, hook: 'onRequest' })

    app.decorateRequest('adminSession', null)

    app.decorate('isAdmin', (request: FastifyRequest): boolean => {
      const header = request.headers['x-admin-secret']
      if (typeof header === 'string') return secretsEqual(header, app.config.adminSecret)
      const session = readSession(request)
      if (session) request.adminSession = session
      return session !== null
    })

    app.decorate('requireAdmin', async (request: FastifyRequest, reply: FastifyReply) => {
      if (app.isAdmin(request)) return
      const triedSecret = typeof request.headers['x-admin-secret'] === 'string'
      request.log.warn({ url: maskUrl(request.url), triedSecret }, 'admin access refused')
      if (!triedSecret && wantsPage(request)) {
        return reply.redirect(`/login?next=${encodeURIComponent(request.url)}`, 302)
      }
      reply.code(401)
      if (request.url.startsWith('/admin/api') || request.url.includes('.json')) return reply.send({ error: 'Unauthorized' })
      return reply.type('text/html; charset=utf-8').send('<h3>Unauthorized</h3>')
    })

    /** Starts a fresh session (a new id on every login: no session fixation). */
    app.decorate('startAdminSession', (reply: FastifyReply, now = Date.now()): AdminSession => {
      const session = { id: randomBytes(16).toString('base64url'), expiresAt: now + SESSION_TTL_MS }
      reply.setCookie(SESSION_COOKIE, `${session.id}.${session.expiresAt}`, {
        signed: true,
        httpOnly: true,
        sameSite: 'strict',
        secure: app.config.env === 'production',
        path: '/',
        expires: new Date(session.expiresAt),
      })
      return session
    })

    app.decorate('endAdminSession', (reply: FastifyReply) => {
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
    })
  },
  { name: 'admin-auth' },
)

declare module 'fastify' {
  interface FastifyInstance {
    isAdmin(request: FastifyRequest): boolean
    requireAdmin(request: FastifyRequest, reply: FastifyReply): Promise<unknown>
    startAdminSession(reply: FastifyReply, now?: number): AdminSession
    endAdminSession(reply: FastifyReply): void
  }
  interface FastifyRequest {
    adminSession: AdminSession | null
  }
}
