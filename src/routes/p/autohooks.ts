// Everything under /p, the partner portal: the page hooks (headers, text check),
// then the portal's own guard — a live portal session (its own cookie, path /p),
// whatever console session the browser may also hold — except on the sign-in
// routes (config.portalPublic); then CSRF on every state change: the session's
// token once signed in, the pre-session token on the sign-in forms. The partner
// a request acts for is the session's: never an id from the URL or the form.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { csrfTokenMatches } from '../../accounts/sessions.ts'
import { csrfRefusal } from '../../plugins/csrf.ts'
import { pageHooks } from '../../plugins/page-hooks.ts'
import { findPortalSession, PORTAL_COOKIE, type PortalAccount } from '../../portal/sessions.ts'

const READS = new Set(['GET', 'HEAD'])

function wantsPage(request: FastifyRequest): boolean {
  return READS.has(request.method) && !request.url.startsWith('/p/api') && (request.headers.accept ?? '').includes('text/html')
}

export default async function portalHooks(app: FastifyInstance): Promise<void> {
  await pageHooks(app)
  if (!app.hasRequestDecorator('portal')) app.decorateRequest('portal', null)

  app.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
    if (request.routeOptions.config.portalPublic === true) return
    const account = await findPortalSession(app.database, request.cookies[PORTAL_COOKIE])
    if (account) {
      request.portal = account
      return
    }
    if (wantsPage(request)) return reply.redirect('/p/login', 302)
    reply.code(401).header('cache-control', 'no-store')
    if (request.url.startsWith('/p/api')) return reply.send({ error: 'Unauthorized' })
    return reply.type('text/html; charset=utf-8').send('<h3>Unauthorized</h3>')
  })

  app.addHook('preValidation', (request, reply, done) => {
    if (READS.has(request.method)) {
      done()
      return
    }
    if (request.routeOptions.config.portalPublic === true) {
      app.csrfProtection(request, reply, done)
      return
    }
    const body = request.body as Record<string, unknown> | undefined
    const given = request.headers['x-csrf-token'] ?? (body && typeof body === 'object' ? body._csrf : undefined)
    done(request.portal && csrfTokenMatches(request.portal, given) ? undefined : csrfRefusal())
  })
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** A portal route open without a portal session (the sign-in pages). */
    portalPublic?: boolean
  }
  interface FastifyRequest {
    /** Set by the portal's guard: the partner this request acts for. */
    portal: PortalAccount | null
  }
}
