// /admin/partners (search) and /admin/partners/:id: a partner's balance, recent
// clicks and conversions, payouts and flags, with the forms ops need there:
// request a payout (here), put on hold and lift the hold (/ops/holds).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { partnerView, searchPartners } from '../../partners/partner-view.ts'
import { answerForm, field, PAYOUT_STATUS_LABELS, renderPage } from '../../console/page.ts'
import { formatCents, parseEurToCents } from '../../format/money.ts'
import { InvalidInput } from '../../errors.ts'
import { requestPayout } from '../../payouts/payouts.ts'
import { baseUrlFor, idForm, idOf, idParams, payoutContext } from '../../console/context.ts'
import { CLICK_WINDOW_DAYS, LINK_STATUS_LABELS, linkRows } from '../../onboarding/links.ts'
import { adjustPartner } from '../../ledger/corrections.ts'
import { actorOf } from '../../console/actor.ts'
import { inFrench } from '../../console/correction-refusals.ts'
import { requiredReason } from '../../console/reason.ts'
import { labels } from '../../console/labels.ts'
import { payoutDetailsPanel } from '../../payouts/payout-details.ts'

const partnerPages: FastifyPluginAsyncZod = async (app) => {
  app.get<{ Querystring: { q?: string } }>('/partners', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : ''
    const partners = await searchPartners(app.database, ledgerRulesOf(app.config), q)
    return renderPage(request, reply, 'partners', { title: 'Partenaires — ContentFlow', nav: 'partners', partners, q })
  })

  app.get('/partners/:id', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params
    const [view, links, payoutDetails] = await Promise.all([
      partnerView(app.database, ledgerRulesOf(app.config), id),
      linkRows(app.database, baseUrlFor(app, request), { partnerId: id }),
      payoutDetailsPanel(app.database, id),
    ])
    return renderPage(request, reply, 'partner', {
      title: `${view.partner.name} — ContentFlow`,
      nav: 'partners',
      ...view,
      statusLabels: PAYOUT_STATUS_LABELS,
      links,
      linkStatusLabels: LINK_STATUS_LABELS,
      clickDays: CLICK_WINDOW_DAYS,
      labels,
      payoutDetails,
    })
  })

  app.post('/partners/:id/payouts', idForm, async (request, reply) =>
    answerForm(request, reply, `/admin/partners/${idOf(request.params)}`, async () => {
      const { id } = request.params
      const amountCents = parseEurToCents(field(request.body, 'amount'))
      if (amountCents === null || amountCents <= 0) throw new InvalidInput('montant invalide (ex. 120,50)')
      const p = await requestPayout(payoutContext(app, request), { partnerId: id, amountCents })
      return `Payout #${p.id} demandé (${formatCents(p.amountCents)}) : il attend sa validation dans « Payouts à valider ».`
    }),
  )

  // A manual adjustment (+ or −) on the partner's wallet, with its reason (ledger/corrections.ts adjustPartner).
  app.post('/partners/:id/adjustments', idForm, async (request, reply) =>
    answerForm(request, reply, `/admin/partners/${idOf(request.params)}`, async () => {
      const { id } = request.params
      const reason = requiredReason(field(request.body, 'reason'))
      const direction = field(request.body, 'direction')
      if (direction !== 'credit' && direction !== 'debit') throw new InvalidInput('choisissez crédit (+) ou débit (−)')
      const cents = parseEurToCents(field(request.body, 'amount'))
      if (cents === null || cents === 0) throw new InvalidInput('montant invalide (ex. 15,50)')
      const amountCents = direction === 'credit' ? cents : -cents
      const entry = await inFrench(() => adjustPartner({ database: app.database, actor: actorOf(request) }, id, amountCents, reason))
      return `Ajustement #${entry.id} de ${amountCents > 0 ? '+' : ''}${formatCents(amountCents)} enregistré : compté tout de suite dans le solde confirmé.`
    }),
  )
}

export default partnerPages
