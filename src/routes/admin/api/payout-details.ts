// /admin/api/partners/:id/payout-details — how a partner is paid (SEPA account
// or PayPal email), answered masked. Refusals in English: 400 with one line.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { actorOf } from '../../../console/actor.ts'
import { idParams } from '../../../console/context.ts'
import { InvalidInput } from '../../../errors.ts'
import { payoutDetailsPanel, PayoutDetailsRefused, setPayoutDetails } from '../../../payouts/payout-details.ts'

const payoutDetailsApi: FastifyPluginAsyncZod = async (app) => {
  app.get('/partners/:id/payout-details', { schema: { params: idParams } }, async (request) => {
    const { details, lastChange } = await payoutDetailsPanel(app.database, request.params.id)
    return { partnerId: request.params.id, ...details, lastChange }
  })

  app.put('/partners/:id/payout-details', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    try {
      const details = await setPayoutDetails({ database: app.database, actor: actorOf(request) }, id, request.body ?? {})
      return { partnerId: id, ...details }
    } catch (err) {
      if (err instanceof PayoutDetailsRefused) throw new InvalidInput(err.english)
      throw err
    }
  })
}

export default payoutDetailsApi
