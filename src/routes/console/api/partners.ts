// /admin/api/partners — the publishers.
import type { FastifyInstance } from 'fastify'
import { createPartner, listPartners } from '../../../onboarding/partners.ts'
import { onboardingContext } from './context.ts'

export default async function partnersApi(app: FastifyInstance) {
  const ctx = onboardingContext(app)

  app.get('/admin/api/partners', async () => ({ partners: await listPartners(ctx) }))

  app.post('/admin/api/partners', async (request, reply) => reply.code(201).send(await createPartner(ctx, request.body)))
}
