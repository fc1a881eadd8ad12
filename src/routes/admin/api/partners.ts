// /admin/api/partners — the publishers; a partner's hold, balance and adjustments.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { liftHold, setHold } from '../../../holds/holds.ts'
import { ledgerRulesOf } from '../../../ledger/balances.ts'
import { adjustPartner } from '../../../ledger/corrections.ts'
import { actorOf } from '../../../console/actor.ts'
import { partnerBalance } from '../../../partners/partner-view.ts'
import { createPartner, listPartners } from '../../../onboarding/partners.ts'
import { holdContext, idParams, jsonBody, onboardingContext } from '../../../console/context.ts'

const holdBody = jsonBody(z.strictObject({ reason: z.string() }))
const liftQuery = z.object({ reason: z.string().optional() })
// Non-zero and within an entry's range: checked by the ledger (checkAdjustment), one wording for every caller.
const adjustmentBody = jsonBody(z.strictObject({ amountCents: z.number().int(), reason: z.string() }))

const partnersApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get('/partners', async (request) => ({ partners: await listPartners(ctx(request)) }))

  app.post('/partners', async (request, reply) => reply.code(201).send(await createPartner(ctx(request), request.body)))

  app.post('/partners/:id/hold', { schema: { params: idParams, body: holdBody } }, async (request, reply) => {
    const { id } = request.params
    const { reason } = request.body
    const hold = await setHold(holdContext(app, request), id, reason)
    return reply.code(201).send(hold)
  })

  // DELETE may carry its reason in a JSON body or, for clients that send no body with DELETE, as ?reason=.
  app.delete('/partners/:id/hold', { schema: { params: idParams, querystring: liftQuery } }, async (request) => {
    const { id } = request.params
    const fromBody = (request.body as { reason?: unknown } | undefined)?.reason
    const lifted = await liftHold(holdContext(app, request), id, typeof fromBody === 'string' ? fromBody : (request.query.reason ?? ''))
    return { partnerId: id, lifted: true, clearedAt: lifted.clearedAt }
  })

  app.post('/partners/:id/adjustments', { schema: { params: idParams, body: adjustmentBody } }, async (request, reply) => {
    const { id } = request.params
    const { amountCents, reason } = request.body
    const created = await adjustPartner({ database: app.database, actor: actorOf(request) }, id, amountCents, reason)
    return reply.code(201).send(created)
  })

  app.get('/partners/:id/balance', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    return partnerBalance(app.database, ledgerRulesOf(app.config), id)
  })
}

export default partnersApi
