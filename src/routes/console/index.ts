// Everything under /admin and /ops: the ops console and the admin API. The guard
// is added here, once, before any route: no route in this folder can forget it.
import type { FastifyInstance } from 'fastify'
import adminApi from './api/index.ts'
import monitoring from './monitoring.ts'
import payoutPages from './payouts.ts'
import holdPages from './holds.ts'
import partnerPages from './partners.ts'
import payoutsApi from './payouts-api.ts'

export default async function consoleRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.requireAdmin)
  await app.register(adminApi)
  await app.register(monitoring)
  await app.register(payoutPages)
  await app.register(holdPages)
  await app.register(partnerPages)
  await app.register(payoutsApi)
}
