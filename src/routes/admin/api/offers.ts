// /admin/api/offers — advertiser URLs on a network; PATCH {active:false} pauses one.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { createOffer, listOffers, updateOffer } from '../../../onboarding/offers.ts'
import { idParams, onboardingContext } from '../../../console/context.ts'

export default async function offersApi(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get<{ Querystring: { network?: string } }>('/offers', async (request) => ({
    offers: await listOffers(ctx(request), { network: request.query.network }),
  }))

  app.post('/offers', async (request, reply) => {
    const offer = await createOffer(ctx(request), request.body)
    return reply.code(201).send(offer)
  })

  app.patch('/offers/:id', async (request) => {
    const { id } = idParams.parse(request.params)
    const offer = await updateOffer(ctx(request), id, request.body)
    // Every link of the offer changes at once (paused, or a new URL).
    app.tracking.linksChanged()
    return offer
  })
}
