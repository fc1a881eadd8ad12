// /admin/partners/:id/payout-details: the partner page's forms setting how the
// partner is paid (SEPA account or PayPal email); French refusals as the flash.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerForm, field } from '../../console/page.ts'
import { actorOf } from '../../console/actor.ts'
import { idForm, idOf } from '../../console/context.ts'
import { maskedSummary, setPayoutDetails } from '../../payouts/payout-details.ts'

const payoutDetailsPages: FastifyPluginAsyncZod = async (app) => {
  app.post('/partners/:id/payout-details', idForm, async (request, reply) =>
    answerForm(request, reply, `/admin/partners/${idOf(request.params)}`, async () => {
      const method = field(request.body, 'method')
      const input =
        method === 'paypal'
          ? { method, email: field(request.body, 'email') }
          : { method, iban: field(request.body, 'iban'), bic: field(request.body, 'bic'), holder: field(request.body, 'holder') }
      const details = await setPayoutDetails({ database: app.database, actor: actorOf(request) }, request.params.id, input)
      return `Coordonnées de paiement enregistrées : ${maskedSummary(details)}.`
    }),
  )
}

export default payoutDetailsPages
