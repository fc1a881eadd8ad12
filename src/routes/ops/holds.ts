// /ops/holds: partners on hold (reason, since when, by whom), the form to put a
// partner on hold and the one to lift a hold, both with a reason; the audit
// trail of these changes below.
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { allActiveHolds, holdAudit, liftHold, recentlyLiftedHolds, setHold } from '../../holds/holds.ts'
import { partnerNameOf } from '../../onboarding/partners.ts'
import { field, formAction, renderPage } from '../../console/page.ts'
import { holdContext, idParams } from '../../console/context.ts'

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

export default async function holdPages(app: FastifyInstance) {
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

  app.post<{ Params: Record<string, string>; Body: Record<string, unknown> }>(
    '/holds',
    formAction(
      () => '/ops/holds',
      async (request) => {
        const partnerId = partnerField.parse(field(request.body, 'partnerId').trim())
        await setHold(holdContext(app, request), partnerId, field(request.body, 'reason'))
        return `${await partnerLabel(partnerId)} mis en hold : plus aucun payout ne peut être approuvé ni payé.`
      },
    ),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/holds/:id/lift',
    formAction(
      () => '/ops/holds',
      async (request) => {
        const { id } = idParams.parse(request.params)
        await liftHold(holdContext(app, request), id, field(request.body, 'reason'))
        return `Hold levé : ${await partnerLabel(id)}.`
      },
    ),
  )
}
