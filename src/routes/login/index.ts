// /login: the console's sessions start here. The form posts an email and a
// password (src/accounts/signin.ts); a right pair starts a new server-side
// session (a new token each time: no session fixation). Attempts are throttled
// per (email, address) with growing delays: a 429 page with Retry-After while
// the pair waits, and nothing another address does can slow it. The form
// carries the pre-session CSRF token (@fastify/csrf-protection).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { normalizeIP } from '@fastify/rate-limit'
import { signIn, WrongCredentials } from '../../accounts/signin.ts'
import { TooManyAttempts } from '../../accounts/throttle.ts'
import { noAccountYet } from '../../accounts/users.ts'
import { safeBack } from '../../console/page.ts'

const HOME = '/admin/monitoring'

interface LoginView {
  next: string
  error?: string
  notice?: string
  email?: string
  noAccount?: boolean
}

async function renderLogin(request: FastifyRequest, reply: FastifyReply, data: LoginView, status = 200) {
  const html = await reply.viewAsync('login', {
    title: 'Connexion — ContentFlow',
    csrfToken: reply.generateCsrf(),
    signedIn: false,
    ...data,
  })
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

export default async function login(app: FastifyInstance) {
  const policy = { maxMs: app.config.sessionMaxMs, idleMs: app.config.sessionIdleMs }

  app.get<{ Querystring: { next?: string; out?: string } }>('', async (request, reply) => {
    const next = safeBack(request.query.next, HOME)
    if (await app.sessionAccount(request)) return reply.redirect(next, 302)
    // A fresh install has no account yet: say how to make the first one.
    const noAccount = await noAccountYet(app.database)
    return renderLogin(request, reply, { next, noAccount, notice: request.query.out === '1' ? 'Vous êtes déconnecté.' : undefined })
  })

  app.post<{ Body: Record<string, unknown> | undefined }>(
    '',
    {
      preHandler: (request, reply, done) => {
        app.csrfProtection(request, reply, done)
      },
    },
    async (request, reply) => {
      const body = request.body ?? {}
      const next = safeBack(body.next, HOME)
      const email = typeof body.email === 'string' ? body.email.slice(0, 254) : ''
      let session: Awaited<ReturnType<typeof signIn>>
      try {
        session = await signIn(
          { db: app.database, policy },
          {
            email: body.email,
            password: body.password,
            ip: request.ip,
            throttleAddress: normalizeIP(request.ip),
            userAgent: request.headers['user-agent'] ?? '',
          },
        )
      } catch (err) {
        if (err instanceof WrongCredentials) {
          request.log.warn('console login refused: wrong email or password')
          return renderLogin(request, reply, { next, email, error: 'Email ou mot de passe incorrect.' }, 401)
        }
        if (err instanceof TooManyAttempts) {
          request.log.warn(
            { retryAfterSeconds: err.retryAfterSeconds },
            'console login refused: too many failures for this email from this address',
          )
          reply.header('retry-after', String(err.retryAfterSeconds))
          const error = `Trop de tentatives pour ce compte depuis cette adresse. Réessayez dans ${err.retryAfterSeconds} s.`
          return renderLogin(request, reply, { next, email, error }, 429)
        }
        throw err
      }
      app.setSessionCookie(reply, session)
      request.log.info({ userId: session.userId }, 'console login')
      return reply.redirect(next, 303)
    },
  )
}
