// /ops/payouts/batches: the payouts page's rail buttons — export the approved
// payouts as a SEPA or PayPal file, download it, mark the batch paid. Forms
// answer with a redirect to the payouts page and a flash message.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerForm, field } from '../../console/page.ts'
import { actorOf } from '../../console/actor.ts'
import { idForm, idParams } from '../../console/context.ts'
import { Forbidden } from '../../errors.ts'
import { formatCents } from '../../format/money.ts'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import { batchFile, exportBatch, markBatchPaid, RAIL_LABELS, type BatchContext, type LeftOut } from '../../payouts/batches.ts'

const BACK = '/ops/payouts/pending'

const listOf = (items: readonly LeftOut[]) => items.map((l) => `#${l.payoutId} (${l.reason})`).join(', ')

const batchPages: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest): BatchContext => ({
    database: app.database,
    rules: ledgerRulesOf(app.config),
    actor: actorOf(request),
    sepaDebtor: app.config.sepaDebtor,
  })

  app.post('/payouts/batches', async (request, reply) =>
    answerForm(request, reply, BACK, async () => {
      const b = await exportBatch(ctx(request), { rail: field(request.body, 'rail') })
      const left = b.leftOut.length > 0 ? ` Écartés : ${listOf(b.leftOut)}.` : ''
      return `Lot ${b.reference} exporté (${RAIL_LABELS[b.rail]}) : ${b.count} payout(s), ${formatCents(b.controlSumCents)}. Téléchargez le fichier dans « Lots de paiement ».${left}`
    }),
  )

  app.get('/payouts/batches/:id/file', { schema: { params: idParams } }, async (request, reply) => {
    if (request.account?.role === 'viewer')
      throw new Forbidden('le fichier de paiement contient les IBAN complets : réservé aux ops et aux propriétaires')
    const f = await batchFile(app.database, request.params.id)
    return reply
      .type(f.type)
      .header('content-disposition', `attachment; filename="${f.name}"`)
      .header('cache-control', 'no-store')
      .send(f.body)
  })

  app.post('/payouts/batches/:id/paid', idForm, async (request, reply) =>
    answerForm(request, reply, BACK, async () => {
      const r = await markBatchPaid(ctx(request), request.params.id, { reference: field(request.body, 'reference') })
      const parts = [`Lot #${r.batchId} : ${r.paid.length} payout(s) payé(s)`]
      if (r.alreadyPaid.length > 0) parts.push(`${r.alreadyPaid.length} déjà payé(s), pas payé(s) deux fois`)
      if (r.skipped.length > 0) parts.push(`${r.skipped.length} non payé(s) : ${listOf(r.skipped)}`)
      return `${parts.join(' ; ')}.`
    }),
  )
}

export default batchPages
