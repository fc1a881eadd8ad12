// POST /admin/api/partners/:id/portal-link → {url, expiresAt}: a single-use,
// 15-minute sign-in link to the partner portal, for ops to hand over (ops and
// owners; a viewer is refused by the console's hooks). The url uses the public base.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { actorOf } from '../../../console/actor.ts'
import { idParams } from '../../../console/context.ts'
import { publicBaseUrl } from '../../../onboarding/public-base.ts'
import { opsSignInLink } from '../../../portal/ops-link.ts'

const portalLinksApi: FastifyPluginAsyncZod = async (app) => {
  app.post('/partners/:id/portal-link', { schema: { params: idParams } }, async (request, reply) => {
    const baseUrl = publicBaseUrl(app.config, `${request.protocol}://${request.host}`)
    const link = await opsSignInLink({ database: app.database, actor: actorOf(request), baseUrl }, request.params.id)
    return reply.code(201).header('cache-control', 'no-store').send({ url: link.url, expiresAt: link.expiresAt.toISOString() })
  })
}

export default portalLinksApi
