// /admin/api/networks — register and change networks; the postback URL to paste into each.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { createNetwork, listNetworks, postbackSetup, updateNetwork } from '../../../onboarding/networks.ts'
import { postbackUrl } from '../../../onboarding/postback-url.ts'
import { baseUrlFor, onboardingContext } from '../../../console/context.ts'

const networksApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)
  const changed = () => {
    app.tracking.networksChanged()
  }

  app.get('/networks', async (request) => ({ networks: await listNetworks(ctx(request)) }))

  app.post('/networks', async (request, reply) => {
    const network = await createNetwork(ctx(request), request.body)
    changed()
    const url = postbackUrl({ baseUrl: baseUrlFor(app, request), slug: network.slug, token: network.postbackToken, preset: network.preset })
    return reply.code(201).send({ ...network, postbackUrl: url })
  })

  app.patch<{ Params: { slug: string } }>('/networks/:slug', async (request) => {
    const network = await updateNetwork(ctx(request), request.params.slug, request.body)
    changed()
    return network
  })

  app.get<{ Params: { slug: string } }>('/networks/:slug/postback-url', async (request) =>
    postbackSetup(ctx(request), request.params.slug, baseUrlFor(app, request)),
  )
}

export default networksApi
