// Everything under /admin and /ops: the ops console and the admin API. The guard
// and the CSRF check are added here, once, before any route: no route in this
// folder can forget them.
import type { FastifyInstance } from 'fastify'
import adminApi from './api/index.ts'
import monitoring from './monitoring.ts'
import payoutPages from './payouts.ts'
import holdPages from './holds.ts'
import partnerPages from './partners.ts'
import payoutsApi from './payouts-api.ts'

export default async function consoleRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.requireAdmin)
  // A state change made with a browser session needs the CSRF token, forms and JSON
  // API alike (after the body is parsed: forms carry it in _csrf). The header
  // secret is automation: a browser never sends it on its own.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'GET' || request.method === 'HEAD' || typeof request.headers['x-admin-secret'] === 'string') return done()
    app.csrfProtection(request, reply, done)
  })
  await app.register(adminApi)
  await app.register(monitoring)
  await app.register(payoutPages)
  await app.register(holdPages)
  await app.register(partnerPages)
  await app.register(payoutsApi)
}
