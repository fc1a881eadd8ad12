// /ops/payouts: the queue to validate (/ops/payouts/pending) with its forms
// (approve, reject with a reason, mark paid with a reference). Forms answer
// with a redirect (POST → redirect → GET).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { activeHoldsOf } from '../../holds/holds.ts'
import { ledgerBalances, ledgerRulesOf } from '../../ledger/balances.ts'
import { formatCents } from '../../format/money.ts'
import { approvePayout, payPayout, rejectPayout } from '../../payouts/payouts.ts'
import { payoutsToValidate } from '../../payouts/journal.ts'
import { batchesPanel } from '../../payouts/batches.ts'
import { answerForm, field, PAYOUT_STATUS_LABELS, renderPage } from '../../console/page.ts'
import { idForm, payoutContext } from '../../console/context.ts'

const payoutPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/payouts/pending', async (request, reply) => {
    const now = new Date()
    const rows = await payoutsToValidate(app.database)
    const partnerIds = rows.map((r) => r.partnerId)
    const [balances, holds, batchData] = await Promise.all([
      ledgerBalances(app.database, ledgerRulesOf(app.config), partnerIds, now),
      activeHoldsOf(app.database, partnerIds),
      batchesPanel(
        app.database,
        rows.map((r) => r.id),
      ),
    ])
    const items = rows.map((r) => {
      const balance = balances.get(r.partnerId)!
      const hold = holds.get(r.partnerId) ?? null
      const overAvailable = r.amountCents > balance.availableCents
      const blocked = hold
        ? `Partenaire en hold : ${hold.reason}`
        : balance.owedCents > 0
          ? `${formatCents(balance.owedCents)} à récupérer : aucun payout avant remboursement`
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
      statusLabels: PAYOUT_STATUS_LABELS,
      ...batchData,
    })
  })

  const backToQueue = () => '/ops/payouts/pending'

  app.post('/payouts/:id/approve', idForm, async (request, reply) =>
    answerForm(request, reply, backToQueue(), async () => {
      const { id } = request.params
      const p = await approvePayout(payoutContext(app, request), id)
      return `Payout #${p.id} approuvé (${formatCents(p.amountCents)}).`
    }),
  )

  app.post('/payouts/:id/reject', idForm, async (request, reply) =>
    answerForm(request, reply, backToQueue(), async () => {
      const { id } = request.params
      const p = await rejectPayout(payoutContext(app, request), id, { reason: field(request.body, 'reason') })
      return `Payout #${p.id} rejeté : ${p.reason}.`
    }),
  )

  app.post('/payouts/:id/pay', idForm, async (request, reply) =>
    answerForm(request, reply, backToQueue(), async () => {
      const { id } = request.params
      const p = await payPayout(payoutContext(app, request), id, { reference: field(request.body, 'reference') })
      return `Payout #${p.id} marqué payé (${formatCents(p.amountCents)}, référence ${p.reference}).`
    }),
  )
}

export default payoutPages
