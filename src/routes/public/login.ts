// /login and /logout: the console's session. The form posts the admin secret
// (compared in constant time) and an optional name for the audit log; a right
// secret starts a fresh signed, HttpOnly, SameSite=strict session (new id each
// time: no session fixation). Attempts are rate-limited per source address;
// both forms carry a CSRF token. Logging out is a POST form too.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import rateLimit from '@fastify/rate-limit'
import { secretsEqual } from '../../plugins/admin-auth.ts'
import { cleanActorName, rememberActor, ACTOR_COOKIE } from '../../console/actor.ts'
import { safeBack } from '../console/page.ts'

/** Login attempts allowed per source address and window. */
export const LOGIN_RATE = { max: 10, timeWindow: '5 minutes' }
const HOME = '/admin/monitoring'

async function renderLogin(request: FastifyRequest, reply: FastifyReply, data: { next: string; error?: string; notice?: string; name?: string }, status = 200) {
  const html = await reply.viewAsync('login', { title: 'Connexion — ContentFlow', csrfToken: reply.generateCsrf(), signedIn: false, ...data })
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

export default async function login(app: FastifyInstance) {
  // Only the routes that ask for it (config.rateLimit) are limited.
  await app.register(rateLimit, { global: false })

  app.get<{ Querystring: { next?: string; out?: string } }>('/login', async (request, reply) => {
    const next = safeBack(request.query.next, HOME)
    if (app.isAdmin(request) && typeof request.headers['x-admin-secret'] !== 'string') return reply.redirect(next, 302)
    return renderLogin(request, reply, { next, notice: request.query.out === '1' ? 'Vous êtes déconnecté.' : undefined })
  })

  app.post<{ Body: Record<string, unknown> }>(
    '/login',
    { config: { rateLimit: LOGIN_RATE }, preHandler: app.csrfProtection },
    async (request, reply) => {
      const body = request.body ?? {}
      const next = safeBack(body.next, HOME)
      const secret = typeof body.secret === 'string' ? body.secret : ''
      const name = cleanActorName(body.name)
      if (!secret || !secretsEqual(secret, app.config.adminSecret)) {
        request.log.warn({ ip: request.ip }, 'console login refused: wrong secret')
        return renderLogin(request, reply, { next, name, error: 'Secret incorrect.' }, 401)
      }
      app.startAdminSession(reply)
      rememberActor(reply, name, app.config.env === 'production')
      request.log.info({ actor: name || null }, 'console login')
      return reply.redirect(next, 303)
    },
  )

  app.get('/logout', async (request, reply) => {
    if (!app.isAdmin(request)) return reply.redirect('/login', 302)
    const html = await reply.viewAsync('logout', { title: 'Déconnexion — ContentFlow', csrfToken: reply.generateCsrf(), signedIn: false })
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  })

  app.post('/logout', { preHandler: app.csrfProtection }, async (_request, reply) => {
    app.endAdminSession(reply)
    reply.clearCookie(ACTOR_COOKIE, { path: '/' })
    return reply.redirect('/login?out=1', 303)
  })
}
