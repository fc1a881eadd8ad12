// Everything a browser is shown — the console (/admin, /ops), /login and /logout,
// the stylesheet — in one route context with the security headers. The tracking
// endpoints (routes/public) are registered outside it and never run helmet's hooks.
import type { FastifyInstance } from 'fastify'
import { pageSecurityHeaders } from '../plugins/security-headers.ts'
import { refuseUnstorableTextIn } from '../plugins/text-input.ts'
import assets from './public/assets.ts'
import login from './public/login.ts'
import consoleRoutes from './console/index.ts'

export default async function pageRoutes(app: FastifyInstance) {
  await pageSecurityHeaders(app)
  refuseUnstorableTextIn(app)
  await app.register(assets)
  await app.register(login)
  await app.register(consoleRoutes)
}
