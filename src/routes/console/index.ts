// Everything under /admin and /ops: the ops console and the admin API. The guard
// is added here, once, before any route: no route in this folder can forget it.
import type { FastifyInstance } from 'fastify'
import adminApi from './api/index.ts'

export default async function consoleRoutes(app: FastifyInstance) {
  app.addHook('onRequest', app.requireAdmin)
  await app.register(adminApi)
}
