// /admin/api/payout-batches — export the approved payouts as a rail's file
// (SEPA pain.001 or PayPal CSV), download it again, mark the batch paid. The same
// services as the payouts page's buttons. Viewers may do none of it (the role
// hook refuses their POSTs; the file, with full IBANs, is refused here).
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { batchFile, batchView, exportBatch, latestBatches, markBatchPaid, RAILS, type BatchContext } from '../../../payouts/batches.ts'
import { ledgerRulesOf } from '../../../ledger/balances.ts'
import { actorOf } from '../../../console/actor.ts'
import { idParams, jsonBody } from '../../../console/context.ts'
import { Forbidden } from '../../../errors.ts'

const exportBody = jsonBody(z.strictObject({ rail: z.enum(RAILS) }))
const payBody = jsonBody(z.strictObject({ reference: z.string() }))

const payoutBatchesApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest): BatchContext => ({
    database: app.database,
    rules: ledgerRulesOf(app.config),
    actor: actorOf(request),
    sepaDebtor: app.config.sepaDebtor,
  })

  app.get('/payout-batches', async () => ({ batches: (await latestBatches(app.database, 50)).map(({ items: _items, ...b }) => b) }))

  app.post('/payout-batches', { schema: { body: exportBody } }, async (request, reply) => {
    const b = await exportBatch(ctx(request), request.body)
    return reply
      .code(201)
      .send({ id: b.id, rail: b.rail, reference: b.reference, count: b.count, controlSumCents: b.controlSumCents, leftOut: b.leftOut })
  })

  app.get('/payout-batches/:id', { schema: { params: idParams } }, async (request) => batchView(app.database, request.params.id))

  app.get('/payout-batches/:id/file', { schema: { params: idParams } }, async (request, reply) => {
    if (request.account?.role === 'viewer') throw new Forbidden('the payout file holds full account numbers: ops and owners only')
    const f = await batchFile(app.database, request.params.id)
    return reply
      .type(f.type)
      .header('content-disposition', `attachment; filename="${f.name}"`)
      .header('cache-control', 'no-store')
      .send(f.body)
  })

  app.post('/payout-batches/:id/paid', { schema: { params: idParams, body: payBody } }, async (request) =>
    markBatchPaid(ctx(request), request.params.id, request.body),
  )
}

export default payoutBatchesApi
