// `/`: the console's front door. The monitoring page sends a visitor without a
// session on to the login form, so one redirect serves both.
import type { FastifyInstance } from 'fastify'

export default async function (app: FastifyInstance) {
  app.get('/', async (_request, reply) => reply.header('cache-control', 'no-store').redirect('/admin/monitoring', 303))
}
