// The admin JSON API of payouts, holds and balances (x-admin-secret, for
// automation and tests): the same services as the console forms. Refusals are
// 409 {"error": "<one line>"}; malformed input 400; unknown ids 404.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { approvePayout, payPayout, rejectPayout, requestPayout } from '../../payouts/payouts.ts'
import { journalFilterSchema, payoutJournal } from '../../payouts/journal.ts'
import { liftHold, setHold } from '../../holds/holds.ts'
import { partnerBalance } from '../../partners/partner-view.ts'
import { holdContext, idParams, payoutContext } from './context.ts'

const holdBody = z.strictObject({ reason: z.string() })
const bodyOf = (body: unknown) => (body === undefined || body === null ? {} : body)

export default async function payoutsApi(app: FastifyInstance) {
  // A browser session may call the API too: its state changes then need the CSRF
  // token like any form (checked for the whole console in ./index.ts).

  app.get<{ Querystring: Record<string, string> }>('/admin/api/payouts', async (request) => {
    const journal = await payoutJournal(app.database, journalFilterSchema.parse(request.query))
    return { payouts: journal.rows, total: journal.total, page: journal.page, pages: journal.pages }
  })

  app.post('/admin/api/payouts', async (request, reply) => {
    const p = await requestPayout(payoutContext(app, request), request.body)
    return reply.code(201).send({ id: p.id, status: p.status })
  })

  app.post<{ Params: { id: string } }>('/admin/api/payouts/:id/approve', async (request) => {
    const { id } = idParams.parse(request.params)
    return approvePayout(payoutContext(app, request), id)
  })

  app.post<{ Params: { id: string } }>('/admin/api/payouts/:id/reject', async (request) => {
    const { id } = idParams.parse(request.params)
    return rejectPayout(payoutContext(app, request), id, bodyOf(request.body))
  })

  app.post<{ Params: { id: string } }>('/admin/api/payouts/:id/pay', async (request) => {
    const { id } = idParams.parse(request.params)
    return payPayout(payoutContext(app, request), id, bodyOf(request.body))
  })

  app.post<{ Params: { id: string } }>('/admin/api/partners/:id/hold', async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const { reason } = holdBody.parse(bodyOf(request.body))
    const hold = await setHold(holdContext(app, request), id, reason)
    return reply.code(201).send(hold)
  })

  // DELETE may carry its reason in a JSON body or, for clients that send no body with DELETE, as ?reason=.
  app.delete<{ Params: { id: string }; Querystring: { reason?: string } }>('/admin/api/partners/:id/hold', async (request) => {
    const { id } = idParams.parse(request.params)
    const fromBody = (request.body as { reason?: unknown } | undefined)?.reason
    const lifted = await liftHold(holdContext(app, request), id, typeof fromBody === 'string' ? fromBody : (request.query.reason ?? ''))
    return { partnerId: id, lifted: true, clearedAt: lifted.clearedAt }
  })

  app.get<{ Params: { id: string } }>('/admin/api/partners/:id/balance', async (request) => {
    const { id } = idParams.parse(request.params)
    return partnerBalance(app.database, ledgerRulesOf(app.config), id)
  })
}
