// The partner forms of onboarding: create a partner (from /admin/partners) and
// change its name and e-mail (from its page). Money has its own forms
// (partners.ts, /ops/holds).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { answerForm, field, refusalText } from '../../console/page.ts'
import { setFlash } from '../../console/flash.ts'
import { idForm, idOf, onboardingContext } from '../../console/context.ts'
import { createPartner, updatePartner } from '../../onboarding/partners.ts'
import { inFrench } from '../../onboarding/french-refusals.ts'

const optionalEmail = (v: string) => (v.trim() === '' ? undefined : v.trim())

const partnerForms: FastifyPluginAsyncZod = async (app) => {
  // Created: straight to its page (a new partner may not be among the list's first 100).
  app.post('/partners', async (request, reply) => {
    try {
      const b = request.body
      const p = await inFrench(() =>
        createPartner(onboardingContext(app, request), { name: field(b, 'name'), email: optionalEmail(field(b, 'email')) }),
      )
      setFlash(reply, { kind: 'ok', text: `Partenaire « ${p.name} » créé (#${p.id}).` })
      return await reply.redirect(`/admin/partners/${p.id}`, 303)
    } catch (err) {
      const text = refusalText(err)
      if (text === null) throw err
      setFlash(reply, { kind: 'error', text })
      return await reply.redirect('/admin/partners', 303)
    }
  })

  app.post('/partners/:id/edit', idForm, async (request, reply) =>
    answerForm(request, reply, `/admin/partners/${idOf(request.params)}`, async () => {
      const b = request.body
      const p = await inFrench(() =>
        updatePartner(onboardingContext(app, request), request.params.id, {
          name: field(b, 'name'),
          email: optionalEmail(field(b, 'email')) ?? null,
        }),
      )
      return `Partenaire « ${p.name} » enregistré${p.email ? ` (${p.email})` : ' (sans e-mail)'}.`
    }),
  )
}

export default partnerForms
