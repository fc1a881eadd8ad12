// The portal's sign-in, open without a session (config.portalPublic):
//   GET/POST /p/login   the partner types their email; the answer is the same
//                       whether it is a partner's or not (the link goes by email);
//   GET /p/auth?token=  a page with one button, so a mail scanner fetching the
//                       link does not use it up; POST /p/auth uses the link (single
//                       use, 15 minutes) and starts a session (cookie cf_portal, path /p);
//   POST /p/logout      ends the session (with its CSRF token; guarded).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { normalizeIP } from '@fastify/rate-limit'
import { TooManyAttempts } from '../../accounts/throttle.ts'
import { publicBaseUrl } from '../../onboarding/public-base.ts'
import { requestSignInLink, signInUrl, useSignInToken } from '../../portal/magic-links.ts'
import { createMailer } from '../../portal/mailer.ts'
import { renderPortal } from '../../portal/page.ts'
import { createPortalSession, endPortalSession, PORTAL_COOKIE } from '../../portal/sessions.ts'

const open = { config: { portalPublic: true } }
const SENT = 'Si cette adresse est celle d’un compte partenaire, un lien de connexion vient d’y être envoyé. Il est valable 15 minutes.'

function field(body: unknown, name: string): string {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return typeof v === 'string' ? v : ''
}

export default async function portalSignIn(app: FastifyInstance) {
  const mailer = createMailer(app.config, app.log)

  const loginPage = (request: FastifyRequest, reply: FastifyReply, data: Record<string, unknown>, status = 200) =>
    renderPortal(
      request,
      reply,
      'login',
      { title: 'Espace partenaire — connexion', nav: null, loginCsrf: reply.generateCsrf(), ...data },
      status,
    )

  app.get<{ Querystring: { out?: string; expired?: string } }>('/login', open, async (request, reply) => {
    const notice =
      request.query.out === '1'
        ? 'Vous êtes déconnecté.'
        : request.query.expired === '1'
          ? 'Ce lien a déjà servi ou a expiré : demandez-en un nouveau.'
          : undefined
    return loginPage(request, reply, { notice })
  })

  app.post('/login', open, async (request, reply) => {
    const email = field(request.body, 'email').slice(0, 254)
    try {
      const link = await requestSignInLink(app.database, { email, address: normalizeIP(request.ip) })
      if (link) {
        // Never the request's Host header: anyone may ask for someone else's link, and a forged host
        // would send the victim's token to the forger's site. PUBLIC_BASE_URL (or HOST:PORT) only.
        const url = signInUrl(publicBaseUrl(app.config), link.token)
        // A failed send answers the same: the page must not tell which emails are partners'.
        await mailer.sendSignInLink({ to: link.email, partnerId: link.partnerId, url }).catch((err: unknown) => {
          request.log.error(
            { partnerId: link.partnerId, err: err instanceof Error ? err.message : String(err) },
            'portal sign-in email failed',
          )
        })
      }
    } catch (err) {
      if (!(err instanceof TooManyAttempts)) throw err
      request.log.warn({ retryAfterSeconds: err.retryAfterSeconds }, 'portal sign-in link refused: too many requests')
      reply.header('retry-after', String(err.retryAfterSeconds))
      return loginPage(request, reply, { email, error: `Trop de demandes. Réessayez dans ${err.retryAfterSeconds} s.` }, 429)
    }
    return loginPage(request, reply, { email, sent: SENT })
  })

  app.get<{ Querystring: { token?: string } }>('/auth', open, async (request, reply) =>
    renderPortal(request, reply, 'auth', {
      title: 'Espace partenaire — connexion',
      nav: null,
      loginCsrf: reply.generateCsrf(),
      token: typeof request.query.token === 'string' ? request.query.token.slice(0, 64) : '',
    }),
  )

  app.post('/auth', open, async (request, reply) => {
    const partnerId = await useSignInToken(app.database, field(request.body, 'token'))
    if (partnerId === null) {
      request.log.info('portal sign-in refused: link unknown, used or expired')
      return reply.redirect('/p/login?expired=1', 303)
    }
    const session = await createPortalSession(app.database, partnerId, { ip: request.ip, userAgent: request.headers['user-agent'] ?? '' })
    reply.setCookie(PORTAL_COOKIE, session.token, {
      httpOnly: true,
      sameSite: 'strict',
      secure: app.config.env === 'production',
      path: '/p',
      expires: session.expiresAt,
    })
    request.log.info({ partnerId }, 'portal sign-in')
    return reply.redirect('/p', 303)
  })

  app.post('/logout', async (request, reply) => {
    if (request.portal) await endPortalSession(app.database, request.portal.id)
    reply.clearCookie(PORTAL_COOKIE, { path: '/p' })
    return reply.redirect('/p/login?out=1', 303)
  })
}
