// Liveness (the process answers) and readiness (the database answers).
import type { FastifyInstance } from 'fastify'
import { databaseReachable } from '../db/health.ts'

export default async function (app: FastifyInstance) {
  app.get('/healthz', async () => ({ status: 'ok' }))

  app.get('/readyz', async (_request, reply) => {
    if (await databaseReachable(app.database)) return { status: 'ready', database: app.database.provider }
    return reply.code(503).send({ status: 'unavailable', database: app.database.provider })
  })
}
