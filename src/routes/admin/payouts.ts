// /admin/payouts: the payout journal with its filters, and its CSV export.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { isoDay } from '../../format/dates.ts'
import { PAYOUT_STATUSES } from '../../payouts/payouts.ts'
import { journalFilterSchema, payoutJournal, payoutJournalAll } from '../../payouts/journal.ts'
import { payoutsCsv } from '../../payouts/csv.ts'
import { partnerNameOf } from '../../onboarding/partners.ts'
import { PAYOUT_STATUS_LABELS, renderPage } from '../../console/page.ts'

const payoutJournalPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/payouts', { schema: { querystring: journalFilterSchema } }, async (request, reply) => {
    const filter = request.query
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
      statusLabels: PAYOUT_STATUS_LABELS,
      query: query.toString(),
    })
  })

  app.get('/payouts.csv', { schema: { querystring: journalFilterSchema } }, async (request, reply) => {
    const filter = request.query
    const rows = await payoutJournalAll(app.database, filter)
    const name = `payouts-${isoDay(new Date())}.csv`
    return reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}"`)
      .header('cache-control', 'no-store')
      .send(payoutsCsv(rows))
  })
}

export default payoutJournalPages
