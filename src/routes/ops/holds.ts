// /ops/holds: partners on hold (reason, since when, by whom), the form to put a
// partner on hold and the one to lift a hold, both with a reason; the audit
// trail of these changes below.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { allActiveHolds, holdAudit, liftHold, recentlyLiftedHolds, setHold } from '../../holds/holds.ts'
import { partnerNameOf } from '../../onboarding/partners.ts'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { holdContext, idForm } from '../../console/context.ts'

const partnerField = z.coerce
  .number({ error: 'numéro de partenaire attendu' })
  .int('numéro de partenaire attendu')
  .positive('numéro de partenaire attendu')
  .max(2_147_483_647)

/** The audit detail is JSON written by the hold service; show its reason. */
export function auditReason(detail: string | null): string {
  if (!detail) return ''
  try {
    const parsed = JSON.parse(detail) as { reason?: unknown }
    return typeof parsed.reason === 'string' ? parsed.reason : ''
  } catch {
    return ''
  }
}

const holdPages: FastifyPluginAsyncZod = async (app) => {
  const partnerLabel = async (id: number) => {
    const name = await partnerNameOf(app.database, id)
    return name !== null ? `${name} (#${id})` : `Partenaire #${id}`
  }

  app.get<{ Querystring: { partner?: string } }>('/holds', async (request, reply) => {
    const [holds, lifted, audit] = await Promise.all([
      allActiveHolds(app.database),
      recentlyLiftedHolds(app.database),
      holdAudit(app.database),
    ])
    const prefill = /^\d{1,10}$/.test(request.query.partner ?? '') ? request.query.partner : ''
    return renderPage(request, reply, 'holds', {
      title: 'Holds — ContentFlow',
      nav: 'holds',
      holds,
      lifted,
      audit: audit.map((a) => ({ ...a, reason: auditReason(a.detail) })),
      prefill,
    })
  })

  app.post('/holds', async (request, reply) =>
    answerForm(request, reply, '/ops/holds', async () => {
      const partnerId = partnerField.parse(field(request.body, 'partnerId').trim())
      await setHold(holdContext(app, request), partnerId, field(request.body, 'reason'))
      return `${await partnerLabel(partnerId)} mis en hold : plus aucun payout ne peut être approuvé ni payé.`
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
