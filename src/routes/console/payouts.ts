// Payout pages: the queue to validate (/ops/payouts/pending) with its forms
// (approve, reject with a reason, mark paid with a reference), the journal
// (/admin/payouts) with filters and CSV export, and the request form of a
// partner's page. Forms are CSRF-checked and answer with a redirect.
import type { FastifyInstance } from 'fastify'
import { activeHoldsOf } from '../../holds/holds.ts'
import { ledgerBalances, ledgerRulesOf } from '../../ledger/balances.ts'
import { formatCents, parseEurToCents } from '../../format/money.ts'
import { isoDay } from '../../format/dates.ts'
import { InvalidInput } from '../../errors.ts'
import { approvePayout, payPayout, rejectPayout, requestPayout, PAYOUT_STATUSES } from '../../payouts/payouts.ts'
import { journalFilterSchema, payoutJournal, payoutJournalAll, payoutsToValidate } from '../../payouts/journal.ts'
import { payoutsCsv } from '../../payouts/csv.ts'
import { partnerNameOf } from '../../onboarding/partners.ts'
import { field, formAction, renderPage } from './page.ts'
import { idParams, payoutContext } from './context.ts'

export const STATUS_LABELS: Record<string, string> = { requested: 'demandé', approved: 'approuvé', paid: 'payé', rejected: 'rejeté' }

export default async function payoutPages(app: FastifyInstance) {
  app.get('/ops/payouts/pending', async (request, reply) => {
    const now = new Date()
    const rows = await payoutsToValidate(app.database)
    const partnerIds = rows.map((r) => r.partnerId)
    const [balances, holds] = await Promise.all([
      ledgerBalances(app.database, ledgerRulesOf(app.config), partnerIds, now),
      activeHoldsOf(app.database, partnerIds),
    ])
    const items = rows.map((r) => {
      const balance = balances.get(r.partnerId)!
      const hold = holds.get(r.partnerId) ?? null
      const overAvailable = r.amountCents > balance.availableCents
      const blocked = hold
        ? `Partenaire en hold : ${hold.reason}`
        : overAvailable
          ? `Montant supérieur au disponible (${formatCents(balance.availableCents)})`
          : null
      return { ...r, balance, hold, overAvailable, blocked }
    })
    const totals = {
      requested: items.filter((i) => i.status === 'requested').reduce((s, i) => s + i.amountCents, 0),
      approved: items.filter((i) => i.status === 'approved').reduce((s, i) => s + i.amountCents, 0),
    }
    return renderPage(request, reply, 'payouts-pending', {
      title: 'Payouts à valider — ContentFlow',
      nav: 'pending',
      items,
      totals,
      statusLabels: STATUS_LABELS,
    })
  })

  const backToQueue = () => '/ops/payouts/pending'

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/ops/payouts/:id/approve',
    formAction(backToQueue, async (request) => {
      const { id } = idParams.parse(request.params)
      const p = await approvePayout(payoutContext(app, request), id)
      return `Payout #${p.id} approuvé (${formatCents(p.amountCents)}).`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/ops/payouts/:id/reject',
    formAction(backToQueue, async (request) => {
      const { id } = idParams.parse(request.params)
      const p = await rejectPayout(payoutContext(app, request), id, { reason: field(request.body, 'reason') })
      return `Payout #${p.id} rejeté : ${p.reason}.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/ops/payouts/:id/pay',
    formAction(backToQueue, async (request) => {
      const { id } = idParams.parse(request.params)
      const p = await payPayout(payoutContext(app, request), id, { reference: field(request.body, 'reference') })
      return `Payout #${p.id} marqué payé (${formatCents(p.amountCents)}, référence ${p.reference}).`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/partners/:id/payouts',
    formAction(
      (request) => `/admin/partners/${idParams.safeParse(request.params).data?.id ?? ''}`,
      async (request) => {
        const { id } = idParams.parse(request.params)
        const amountCents = parseEurToCents(field(request.body, 'amount'))
        if (amountCents === null || amountCents <= 0) throw new InvalidInput('montant invalide (ex. 120,50)')
        const p = await requestPayout(payoutContext(app, request), { partnerId: id, amountCents })
        return `Payout #${p.id} demandé (${formatCents(p.amountCents)}) : il attend sa validation dans « Payouts à valider ».`
      },
    ),
  )

  app.get<{ Querystring: Record<string, string> }>('/admin/payouts', async (request, reply) => {
    const filter = journalFilterSchema.parse(request.query)
    const journal = await payoutJournal(app.database, filter)
    const query = new URLSearchParams()
    for (const k of ['partner', 'status', 'from', 'to'] as const) if (filter[k] !== undefined) query.set(k, String(filter[k]))
    const partnerName = filter.partner ? await partnerNameOf(app.database, filter.partner) : null
    return renderPage(request, reply, 'payouts-journal', {
      title: 'Journal des payouts — ContentFlow',
      nav: 'journal',
      filter,
      partnerName,
      journal,
      statuses: PAYOUT_STATUSES,
      statusLabels: STATUS_LABELS,
      query: query.toString(),
    })
  })

  app.get<{ Querystring: Record<string, string> }>('/admin/payouts.csv', async (request, reply) => {
    const filter = journalFilterSchema.parse(request.query)
    const rows = await payoutJournalAll(app.database, filter)
    const name = `payouts-${isoDay(new Date())}.csv`
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(payoutsCsv(rows))
  })
}
