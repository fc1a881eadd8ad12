// /admin/api/partners — the publishers; a partner's hold and balance.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { liftHold, setHold } from '../../../holds/holds.ts'
import { ledgerRulesOf } from '../../../ledger/balances.ts'
import { partnerBalance } from '../../../partners/partner-view.ts'
import { createPartner, listPartners } from '../../../onboarding/partners.ts'
import { holdContext, idParams, onboardingContext } from '../../../console/context.ts'

const holdBody = z.strictObject({ reason: z.string() })
const bodyOf = (body: unknown) => (body === undefined || body === null ? {} : body)

export default async function partnersApi(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get('/partners', async (request) => ({ partners: await listPartners(ctx(request)) }))

  app.post('/partners', async (request, reply) => reply.code(201).send(await createPartner(ctx(request), request.body)))

  app.post<{ Params: { id: string } }>('/partners/:id/hold', async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const { reason } = holdBody.parse(bodyOf(request.body))
    const hold = await setHold(holdContext(app, request), id, reason)
    return reply.code(201).send(hold)
  })

  // DELETE may carry its reason in a JSON body or, for clients that send no body with DELETE, as ?reason=.
  app.delete<{ Params: { id: string }; Querystring: { reason?: string } }>('/partners/:id/hold', async (request) => {
    const { id } = idParams.parse(request.params)
    const fromBody = (request.body as { reason?: unknown } | undefined)?.reason
    const lifted = await liftHold(holdContext(app, request), id, typeof fromBody === 'string' ? fromBody : (request.query.reason ?? ''))
    return { partnerId: id, lifted: true, clearedAt: lifted.clearedAt }
  })

  app.get<{ Params: { id: string } }>('/partners/:id/balance', async (request) => {
    const { id } = idParams.parse(request.params)
    return partnerBalance(app.database, ledgerRulesOf(app.config), id)
  })
}
