// /admin/api/offers — advertiser URLs on a network; PATCH {active:false} pauses one.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { createOffer, listOffers, updateOffer } from '../../../onboarding/offers.ts'
import { idParams, onboardingContext } from '../../../console/context.ts'

const offersApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get<{ Querystring: { network?: string } }>('/offers', async (request) => ({
    offers: await listOffers(ctx(request), { network: request.query.network }),
  }))

  app.post('/offers', async (request, reply) => {
    const offer = await createOffer(ctx(request), request.body)
    return reply.code(201).send(offer)
  })

  app.patch('/offers/:id', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    const offer = await updateOffer(ctx(request), id, request.body)
    // Every link of the offer changes at once (paused, or a new URL).
    app.tracking.linksChanged()
    return offer
  })
}

export default offersApi
