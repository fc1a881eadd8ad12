// CSRF protection of every state change a browser can make.
// - With a session: the token is derived from that session's own secret
//   (src/accounts/sessions.ts), so a token of another session, or of no session,
//   is refused. Forms carry it in a hidden `_csrf` field, scripts in the
//   `x-csrf-token` header; the console checks it for every state change in one
//   hook (plugins/page-hooks.ts) with `app.checkSessionCsrf`.
// - Before a session exists (the login form): @fastify/csrf-protection, its
//   secret in a signed, HttpOnly, SameSite=strict cookie; `preHandler: app.csrfProtection`.
import fp from 'fastify-plugin'
import csrf from '@fastify/csrf-protection'
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify'
import { csrfTokenMatches, csrfTokenOf } from '../accounts/sessions.ts'
import { Forbidden } from '../errors.ts'

/** The refusal, with the code the console's error page explains in French. */
export function csrfRefusal(): Forbidden {
  return Object.assign(new Forbidden('Invalid csrf token'), { code: 'FST_CSRF_INVALID_TOKEN' })
}

export default fp(
  async (app) => {
    await app.register(csrf, {
      cookieKey: 'cf_csrf',
      cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: app.config.env === 'production' },
    })

    /** The token for the forms of this page: the session's, or the login form's before there is one. */
    app.decorate('csrfTokenFor', (request: FastifyRequest, reply: FastifyReply): string => {
      const session = request.account?.session
      return session ? csrfTokenOf(session) : reply.generateCsrf()
    })

    /** preHandler: a request made with a session must carry that session's token. */
    app.decorate('checkSessionCsrf', (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction) => {
      const session = request.account?.session
      if (!session) {
        done()
        return
      }
      const body = request.body as Record<string, unknown> | undefined
      const given = request.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined)
      done(csrfTokenMatches(session, given) ? undefined : csrfRefusal())
    })
  },
  { name: 'csrf', dependencies: ['admin-auth'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    csrfTokenFor: (request: FastifyRequest, reply: FastifyReply) => string
    checkSessionCsrf: (request: FastifyRequest, reply: FastifyReply, done: HookHandlerDoneFunction) => void
  }
}
