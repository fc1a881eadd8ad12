// /admin/offers: every offer with its network and state; create one (network
// chosen by name), pause and resume (a paused offer's links answer 404 at once).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { idForm, onboardingContext } from '../../console/context.ts'
import { listNetworks } from '../../onboarding/networks.ts'
import { createOffer, listOffers, updateOffer } from '../../onboarding/offers.ts'
import { inFrench } from '../../onboarding/french-refusals.ts'

const offerPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/offers', async (request, reply) => {
    const [offers, networks] = await Promise.all([listOffers({ database: app.database }), listNetworks({ database: app.database })])
    return renderPage(request, reply, 'offers', {
      title: 'Offres — ContentFlow',
      nav: 'offers',
      offers,
      networks,
      networkNames: Object.fromEntries(networks.map((n) => [n.slug, n.name])),
    })
  })

  app.post('/offers', async (request, reply) =>
    answerForm(request, reply, '/admin/offers', async () => {
      const b = request.body
      const offer = await inFrench(() =>
        createOffer(onboardingContext(app, request), { network: field(b, 'network'), name: field(b, 'name'), url: field(b, 'url') }),
      )
      return `Offre « ${offer.name} » créée (#${offer.id}, réseau ${offer.network}).`
    }),
  )

  for (const [action, active] of [
    ['pause', false],
    ['resume', true],
  ] as const) {
    app.post(`/offers/:id/${action}`, idForm, async (request, reply) =>
      answerForm(request, reply, '/admin/offers', async () => {
        const offer = await inFrench(() => updateOffer(onboardingContext(app, request), request.params.id, { active }))
        // Every link of the offer changes at once.
        app.tracking.linksChanged()
        return active
          ? `Offre « ${offer.name} » reprise : ses liens redirigent de nouveau.`
          : `Offre « ${offer.name} » en pause : ses liens répondent 404.`
      }),
    )
  }
}

export default offerPages
