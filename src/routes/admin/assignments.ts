// /admin/assignments: the tracked links, filtered by partner, offer and status;
// create one (partner and offer chosen by name), move its status along the
// pipeline; each link's full /r/<code> URL ready to copy.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { baseUrlFor, idForm, onboardingContext } from '../../console/context.ts'
import { createAssignment, updateAssignment, ASSIGNMENT_STATUSES } from '../../onboarding/assignments.ts'
import { linkChoices, linkFilterSchema, linkRows, LINK_STATUS_LABELS, LINKS_PAGE_SIZE, CLICK_WINDOW_DAYS } from '../../onboarding/links.ts'
import { inFrench } from '../../onboarding/french-refusals.ts'
import { InvalidInput } from '../../errors.ts'

const assignmentPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/assignments', { schema: { querystring: linkFilterSchema } }, async (request, reply) => {
    const q = request.query
    const filter = {
      ...(q.partner !== undefined ? { partnerId: q.partner } : {}),
      ...(q.offer !== undefined ? { offerId: q.offer } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
    }
    const [links, choices] = await Promise.all([linkRows(app.database, baseUrlFor(app, request), filter), linkChoices(app.database)])
    const query = new URLSearchParams()
    for (const k of ['partner', 'offer', 'status'] as const) if (q[k] !== undefined) query.set(k, String(q[k]))
    return renderPage(request, reply, 'assignments', {
      title: 'Liens — ContentFlow',
      nav: 'assignments',
      links,
      filter: q,
      back: `/admin/assignments${query.size > 0 ? `?${query}` : ''}`,
      ...choices,
      statuses: ASSIGNMENT_STATUSES,
      statusLabels: LINK_STATUS_LABELS,
      pageSize: LINKS_PAGE_SIZE,
      clickDays: CLICK_WINDOW_DAYS,
    })
  })

  app.post('/assignments', async (request, reply) =>
    answerForm(request, reply, '/admin/assignments', async () => {
      const b = request.body
      if (field(b, 'partnerId') === '') throw new InvalidInput('Choisissez un partenaire.')
      if (field(b, 'offerId') === '') throw new InvalidInput('Choisissez une offre.')
      const status = field(b, 'status')
      const a = await inFrench(() =>
        createAssignment(
          onboardingContext(app, request),
          {
            partnerId: field(b, 'partnerId'),
            offerId: field(b, 'offerId'),
            content: field(b, 'content'),
            ...(status !== '' ? { status } : {}),
          },
          baseUrlFor(app, request),
        ),
      )
      app.tracking.linksChanged(a.code)
      return `Lien #${a.id} créé (${LINK_STATUS_LABELS[a.status as keyof typeof LINK_STATUS_LABELS]}) : ${a.link}`
    }),
  )

  app.post('/assignments/:id/status', idForm, async (request, reply) =>
    answerForm(request, reply, '/admin/assignments', async () => {
      const a = await inFrench(() =>
        updateAssignment(
          onboardingContext(app, request),
          request.params.id,
          { status: field(request.body, 'status') },
          baseUrlFor(app, request),
        ),
      )
      app.tracking.linksChanged(a.code)
      return `Lien #${a.id} : ${LINK_STATUS_LABELS[a.status as keyof typeof LINK_STATUS_LABELS]}.`
    }),
  )
}

export default assignmentPages
