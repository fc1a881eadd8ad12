// GET|HEAD /r/:code — the click redirector. Thin: trackClick does the work. Not
// logged per request at info level (it is the hottest route; the clicks table is
// its log); failures still are.
import type { FastifyInstance } from 'fastify'
import { partnerSubids } from '../../tracking/partner-subids.ts'
import { trackClick } from '../../tracking/track-click.ts'

const NOT_FOUND_PAGE =
  '<!doctype html><html lang="fr"><meta charset="utf-8"><title>Lien introuvable</title>' +
  '<p>Ce lien n’existe pas ou n’est plus actif.</p></html>'

export default async function redirect(app: FastifyInstance) {
  const runtime = app.tracking
  const { tracker } = runtime

  // One quiet logger for every redirect instead of a child per request: the
  // per-request child (bindings + redaction) costs ~5 % of the redirect's CPU.
  // Warnings and errors still log; they carry the code instead of a request id.
  const quiet = app.log.child({ route: '/r/:code' }, { level: 'warn' })
  app.setChildLoggerFactory(() => quiet)

  app.route<{ Params: { code: string } }>({
    method: ['GET', 'HEAD'],
    url: '/:code',
    logLevel: 'warn',
    handler: async (request, reply) => {
      const result = await trackClick(tracker, {
        code: request.params.code,
        method: request.method,
        ip: request.ip,
        userAgent: request.headers['user-agent'],
        referer: request.headers.referer,
        // ?s1=…&s5=: kept on the click, bounded, never an error (partner-subids.ts).
        subids: partnerSubids(request.query),
      })
      if (!result.found) {
        return reply.code(404).header('cache-control', 'no-store').type('text/html; charset=utf-8').send(NOT_FOUND_PAGE)
      }
      // The 302 is written straight to the socket: Fastify's send path (serializers,
      // onSend hooks, content-type) has nothing to do for an empty redirect, and
      // is a measurable share of the redirect's cost.
      // onResponse hooks (the request metrics) still run for a hijacked reply.
      reply.hijack()
      // Every click must reach us: no browser or proxy may replay a cached redirect.
      reply.raw.writeHead(302, { 'cache-control': 'private, no-store', location: result.target, 'content-length': '0' })
      reply.raw.end()
      return reply
    },
  })
}
