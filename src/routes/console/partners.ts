// /admin/partners (search) and /admin/partners/:id: a partner's balance, recent
// clicks and conversions, payouts and flags, with the forms ops need there:
// request a payout, put on hold, lift the hold.
import type { FastifyInstance } from 'fastify'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { partnerView, searchPartners } from '../../partners/partner-view.ts'
import { renderPage } from './page.ts'
import { idParams } from './context.ts'
import { STATUS_LABELS } from './payouts.ts'

export default async function partnerPages(app: FastifyInstance) {
  app.get<{ Querystring: { q?: string } }>('/admin/partners', async (request, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : ''
    const partners = await searchPartners(app.database, ledgerRulesOf(app.config), q)
    return renderPage(request, reply, 'partners', { title: 'Partenaires — ContentFlow', nav: 'partners', partners, q })
  })

  app.get<{ Params: { id: string } }>('/admin/partners/:id', async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const view = await partnerView(app.database, ledgerRulesOf(app.config), id)
    return renderPage(request, reply, 'partner', {
      title: `${view.partner.name} — ContentFlow`,
      nav: 'partners',
      ...view,
      statusLabels: STATUS_LABELS,
    })
  })
}
