// /ops/holds: partners on hold (reason, since when, by whom), the form to put a
// partner on hold (chosen by name, e-mail or number) and the one to lift a hold,
// both with a reason; the journal of holds put and lifted below.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { allActiveHolds, holdJournal, liftHold, recentlyLiftedHolds, setHold } from '../../holds/holds.ts'
import { partnerChoiceLabel, partnerSuggestions, resolvePartnerChoice } from '../../holds/partner-choice.ts'
import { partnerNameOf } from '../../onboarding/partners.ts'
import { partnerById } from '../../db/queries/partners.ts'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { holdContext, idForm } from '../../console/context.ts'

const holdPages: FastifyPluginAsyncZod = async (app) => {
  const partnerLabel = async (id: number) => {
    const name = await partnerNameOf(app.database, id)
    return name !== null ? `${name} (#${id})` : `Partenaire #${id}`
  }

  app.get<{ Querystring: { partner?: string } }>('/holds', async (request, reply) => {
    const wanted = /^\d{1,9}$/.test(request.query.partner ?? '') ? Number(request.query.partner) : null
    const [holds, lifted, journal, suggestions, prefilled] = await Promise.all([
      allActiveHolds(app.database),
      recentlyLiftedHolds(app.database),
      holdJournal(app.database),
      partnerSuggestions(app.database),
      wanted ? partnerById(app.database, wanted) : null,
    ])
    return renderPage(request, reply, 'holds', {
      title: 'Holds — ContentFlow',
      nav: 'holds',
      holds,
      lifted,
      journal,
      suggestions: suggestions.map(partnerChoiceLabel),
      prefill: prefilled ? partnerChoiceLabel(prefilled) : '',
    })
  })

  app.post('/holds', async (request, reply) =>
    answerForm(request, reply, '/ops/holds', async () => {
      // The partner's page posts its number; this page's form, what the person typed or picked.
      const partner = await resolvePartnerChoice(app.database, field(request.body, 'partnerId'))
      await setHold(holdContext(app, request), partner.id, field(request.body, 'reason'))
      return `${partner.name} (#${partner.id}) mis en hold : plus aucun payout ne peut être approuvé ni payé.`
    }),
  )

  app.post('/holds/:id/lift', idForm, async (request, reply) =>
    answerForm(request, reply, '/ops/holds', async () => {
      const { id } = request.params
      await liftHold(holdContext(app, request), id, field(request.body, 'reason'))
      return `Hold levé : ${await partnerLabel(id)}.`
    }),
  )
}

export default holdPages
