// The partner portal's pages and its JSON. Every read and write is for the
// session's partner (request.portal, set by the guard in autohooks.ts): an id in
// the URL is looked up among that partner's rows only, so another partner's id
// answers 404 like an id that does not exist.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { answerForm, field } from '../../console/page.ts'
import { InvalidInput, NotFound } from '../../errors.ts'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { parseEurToCents } from '../../format/money.ts'
import { publicBaseUrl } from '../../onboarding/public-base.ts'
import { payoutDetailsPanel, setPayoutDetails } from '../../payouts/payout-details.ts'
import { PAYOUT_STATUS_LABELS, requestPayout } from '../../payouts/payouts.ts'
import { portalCharts } from '../../portal/charts.ts'
import {
  portalConversion,
  portalConversions,
  portalLinks,
  portalPayouts,
  portalSubidClicks,
  CONVERSION_STATUS_WORDS,
} from '../../portal/lists.ts'
import { portalOverview } from '../../portal/overview.ts'
import { renderPortal } from '../../portal/page.ts'
import { monthlyStatement, statementCsv, statementMonths, STATEMENT_LINE_LABELS } from '../../portal/statements.ts'
import type { PortalAccount } from '../../portal/sessions.ts'

const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })

/** The session's partner: the guard has refused every request without one. */
function me(request: FastifyRequest): PortalAccount {
  if (!request.portal) throw new NotFound('session introuvable')
  return request.portal
}

/** The audit log's actor for a partner's own change. */
const actorOf = (p: PortalAccount) => `partner:${p.partnerId}`

export default async function portalPages(app: FastifyInstance) {
  const rules = ledgerRulesOf(app.config)
  const baseOf = (request: FastifyRequest) => publicBaseUrl(app.config, `${request.protocol}://${request.host}`)

  app.get('', async (request, reply) => {
    const now = new Date()
    const { summary, days } = await portalOverview(app.database, rules, me(request).partnerId, now)
    return renderPortal(request, reply, 'overview', {
      title: 'Espace partenaire — aperçu',
      nav: 'overview',
      summary,
      charts: portalCharts(days, now),
    })
  })

  app.get('/api/summary', async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return (await portalOverview(app.database, rules, me(request).partnerId)).summary
  })

  app.get('/links', async (request, reply) => {
    const partnerId = me(request).partnerId
    const [links, subids] = await Promise.all([
      portalLinks(app.database, partnerId, baseOf(request)),
      portalSubidClicks(app.database, partnerId),
    ])
    return renderPortal(request, reply, 'links', {
      title: 'Espace partenaire — liens',
      nav: 'links',
      links,
      subids,
      cpcDailyCapCents: app.config.cpcDailyCapCents,
    })
  })

  app.get<{ Querystring: { page?: string } }>('/conversions', async (request, reply) => {
    const page = Math.max(1, Math.min(10_000, Number.parseInt(request.query.page ?? '1', 10) || 1))
    const list = await portalConversions(app.database, me(request).partnerId, page)
    return renderPortal(request, reply, 'conversions', {
      title: 'Espace partenaire — conversions',
      nav: 'conversions',
      ...list,
      words: CONVERSION_STATUS_WORDS,
    })
  })

  app.get('/conversions/:id', { schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params as z.infer<typeof idParams>
    const conversion = await portalConversion(app.database, me(request).partnerId, id)
    return renderPortal(request, reply, 'conversion', {
      title: `Conversion #${id}`,
      nav: 'conversions',
      c: conversion,
      words: CONVERSION_STATUS_WORDS,
    })
  })

  app.get('/statements', async (request, reply) => {
    const months = await statementMonths(app.database, me(request).partnerId)
    return renderPortal(request, reply, 'statements', { title: 'Espace partenaire — relevés', nav: 'statements', months })
  })

  app.get<{ Params: { month: string } }>('/statements/:month', async (request, reply) => {
    const csv = request.params.month.endsWith('.csv')
    const month = csv ? request.params.month.slice(0, -4) : request.params.month
    const statement = await monthlyStatement(app.database, me(request).partnerId, month)
    if (csv) {
      return reply
        .type('text/csv; charset=utf-8')
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="releve-${statement.month}.csv"`)
        .send(statementCsv(statement))
    }
    return renderPortal(request, reply, 'statement', {
      title: `Relevé ${statement.month}`,
      nav: 'statements',
      s: statement,
      lineLabels: STATEMENT_LINE_LABELS,
    })
  })

  app.get('/payouts', async (request, reply) => {
    const p = me(request)
    const [payouts, overview] = await Promise.all([
      portalPayouts(app.database, p.partnerId),
      portalOverview(app.database, rules, p.partnerId),
    ])
    return renderPortal(request, reply, 'payouts', {
      title: 'Espace partenaire — paiements',
      nav: 'payouts',
      payouts,
      summary: overview.summary,
      minCents: app.config.payoutMinCents,
      statusLabels: PAYOUT_STATUS_LABELS,
    })
  })

  app.post('/payouts', async (request, reply) =>
    answerForm(request, reply, '/p/payouts', async () => {
      const p = me(request)
      const cents = parseEurToCents(field(request.body, 'amount'))
      if (cents === null || cents <= 0) throw new InvalidInput('montant invalide : par exemple 50 ou 50,00')
      const payout = await requestPayout(
        { database: app.database, rules, actor: actorOf(p), minPayoutCents: app.config.payoutMinCents },
        { partnerId: p.partnerId, amountCents: cents },
      )
      return `Demande de paiement #${payout.id} enregistrée.`
    }),
  )

  app.get('/details', async (request, reply) => {
    const panel = await payoutDetailsPanel(app.database, me(request).partnerId)
    return renderPortal(request, reply, 'details', { title: 'Espace partenaire — coordonnées', nav: 'details', panel })
  })

  app.post('/details', async (request, reply) =>
    answerForm(request, reply, '/p/details', async () => {
      const p = me(request)
      const method = field(request.body, 'method')
      const input =
        method === 'paypal'
          ? { method, email: field(request.body, 'email') }
          : { method, iban: field(request.body, 'iban'), bic: field(request.body, 'bic'), holder: field(request.body, 'holder') }
      await setPayoutDetails({ database: app.database, actor: actorOf(p) }, p.partnerId, input)
      return 'Coordonnées de paiement enregistrées.'
    }),
  )
}
