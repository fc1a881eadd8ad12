// /admin/api/networks — register and change networks; the postback URL to paste into each.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { createNetwork, listNetworks, postbackSetup, updateNetwork } from '../../../onboarding/networks.ts'
import { postbackUrl } from '../../../onboarding/postback-url.ts'
import { baseUrlFor, onboardingContext } from '../../../console/context.ts'
import { audit } from '../../../onboarding/audit.ts'
import { InvalidInput, NotFound } from '../../../errors.ts'
import { importConversions, MAX_IMPORT_BYTES } from '../../../postbacks/import.ts'
import { loadPostbackNetwork } from '../../../postbacks/network-cache.ts'

const utf8 = new TextDecoder('utf-8', { fatal: true })
/** A dry run is asked for plainly: a misspelt flag must not import for real. */
const importQuery = z.object({ dryRun: z.enum(['0', '1', 'true', 'false']).optional() })

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

  // A CSV of conversion updates (postbacks/import.ts): text/csv, bounded, UTF-8.
  app.addContentTypeParser('text/csv', { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES }, (_request, body, done) => {
    try {
      done(null, utf8.decode(body as Buffer))
    } catch {
      done(new InvalidInput('the file is not valid UTF-8'), undefined)
    }
  })

  app.post(
    '/networks/:slug/conversions/import',
    { bodyLimit: MAX_IMPORT_BYTES, schema: { params: z.object({ slug: z.string().max(64) }), querystring: importQuery } },
    async (request) => {
      if (typeof request.body !== 'string') throw new InvalidInput('expected a text/csv body')
      const dryRun = request.query.dryRun === '1' || request.query.dryRun === 'true'
      const network = await loadPostbackNetwork(app.database, request.params.slug)
      if (!network) throw new NotFound(`no network ${request.params.slug.slice(0, 64)}`)
      const result = await importConversions({ database: app.database, fxRates: app.config.fxRates }, network, request.body, { dryRun })
      if (!dryRun)
        await audit(app.database.prisma, ctx(request).actor, 'conversions.import', `network:${network.slug}`, {
          applied: result.applied,
          duplicates: result.duplicates,
          refused: result.refused.length,
        })
      const { lines, ...counts } = result
      return dryRun ? { ...counts, lines } : counts
    },
  )
}

export default networksApi
