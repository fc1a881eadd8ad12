// Routes anyone may call: health, the stylesheet, and (tracking) the click
// redirector and the postback endpoint, which authenticate in their own way.
import type { FastifyInstance } from 'fastify'
import health from './health.ts'
import assets from './assets.ts'
import tracking from '../../plugins/tracking.ts'
import redirect from './redirect.ts'
import postback from './postback.ts'
import login from './login.ts'

export default async function publicRoutes(app: FastifyInstance) {
  await app.register(health)
  await app.register(assets)
  await app.register(tracking)
  await app.register(redirect)
  await app.register(postback)
  await app.register(login)
}
