// /admin/api/payouts — request, approve, reject and pay payouts (x-admin-secret,
// for automation and tests): the same services as the console forms. Refusals
// are 409 {"error": "<one line>"}; malformed input 400; unknown ids 404.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { approvePayout, payPayout, rejectPayout, requestPayout } from '../../../payouts/payouts.ts'
import { journalFilterSchema, payoutJournal } from '../../../payouts/journal.ts'
import { idParams, payoutContext } from '../../../console/context.ts'

const bodyOf = (body: unknown) => (body === undefined || body === null ? {} : body)

const payoutsApi: FastifyPluginAsyncZod = async (app) => {
  app.get('/payouts', { schema: { querystring: journalFilterSchema } }, async (request) => {
    const journal = await payoutJournal(app.database, request.query)
    return { payouts: journal.rows, total: journal.total, page: journal.page, pages: journal.pages }
  })

  app.post('/payouts', async (request, reply) => {
    const p = await requestPayout(payoutContext(app, request), request.body)
    return reply.code(201).send({ id: p.id, status: p.status })
  })

  app.post('/payouts/:id/approve', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    return approvePayout(payoutContext(app, request), id)
  })

  app.post('/payouts/:id/reject', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    return rejectPayout(payoutContext(app, request), id, bodyOf(request.body))
  })

  app.post('/payouts/:id/pay', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    return payPayout(payoutContext(app, request), id, bodyOf(request.body))
  })
}

export default payoutsApi
