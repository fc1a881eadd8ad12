// /admin/api/offers/:id/terms and /admin/api/partners/:id/terms — commission terms
// (src/terms): PUT sets new terms from now on, GET shows those in force and the history.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { actorOf } from '../../../console/actor.ts'
import { idParams } from '../../../console/context.ts'
import { offerTerms, setOfferTerms, setPartnerTerms } from '../../../terms/terms.ts'

const termsApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => ({ database: app.database, actor: actorOf(request) })

  app.get('/offers/:id/terms', { schema: { params: idParams } }, async (request) => offerTerms(ctx(request), request.params.id, null))

  app.put('/offers/:id/terms', { schema: { params: idParams } }, async (request) =>
    setOfferTerms(ctx(request), request.params.id, request.body),
  )

  app.get(
    '/partners/:id/terms',
    { schema: { params: idParams, querystring: z.object({ offerId: z.coerce.number().int().positive().max(2_147_483_647) }) } },
    async (request) => offerTerms(ctx(request), request.query.offerId, request.params.id),
  )

  app.put('/partners/:id/terms', { schema: { params: idParams } }, async (request) =>
    setPartnerTerms(ctx(request), request.params.id, request.body),
  )
}

export default termsApi
