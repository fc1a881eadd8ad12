// Routes anyone may call that serve no page: health, and (tracking) the click
// redirector and the postback endpoint, which authenticate in their own way. The
// stylesheet and /login are public too, but pages: routes/pages.ts registers them.
import type { FastifyInstance } from 'fastify'
import health from './health.ts'
import redirect from './redirect.ts'
import postback from './postback.ts'

export default async function publicRoutes(app: FastifyInstance) {
  await app.register(health)
  await app.register(redirect)
  await app.register(postback)
}
