// /admin/api/partners — the publishers.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createPartner, listPartners } from '../../../onboarding/partners.ts'
import { onboardingContext } from './context.ts'

export default async function partnersApi(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get('/admin/api/partners', async (request) => ({ partners: await listPartners(ctx(request)) }))

  app.post('/admin/api/partners', async (request, reply) => reply.code(201).send(await createPartner(ctx(request), request.body)))
}
