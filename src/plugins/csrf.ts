// CSRF protection of every console form (@fastify/csrf-protection): the token's
// secret lives in a signed, HttpOnly, SameSite=strict cookie; each form carries
// a token derived from it in a hidden `_csrf` field, checked before the handler.
// Routes opt in with `preHandler: app.csrfProtection` (after the body is parsed).
import fp from 'fastify-plugin'
import csrf from '@fastify/csrf-protection'

export default fp(
  async (app) => {
    await app.register(csrf, {
      cookieKey: 'cf_csrf',
      cookieOpts: { path: '/', sameSite: 'strict', httpOnly: true, signed: true, secure: app.config.env === 'production' },
    })
  },
  { name: 'csrf', dependencies: ['admin-auth'] },
)
