// GET|POST /aff/postback — networks' server-to-server conversion reports. Thin:
// receivePostback does the work. The bodies are kept as raw text (form or JSON)
// so the postback log holds what the network sent, and a replay reads the same.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { trackingOf } from '../../plugins/tracking.ts'
import type { BodyKind } from '../../postbacks/params.ts'
import { receivePostback } from '../../postbacks/receive-postback.ts'

function rawQueryOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?')
  return q === -1 ? '' : request.url.slice(q + 1)
}

function bodyKindOf(request: FastifyRequest): BodyKind | null {
  const type = (request.headers['content-type'] ?? '').toLowerCase()
  if (type.includes('json')) return 'json'
  return 'form'
}

export default async function postback(app: FastifyInstance) {
  const runtime = trackingOf(app)
  if (!runtime) throw new Error('the tracking plugin must be registered before the postback route')
  const metrics = app.hasDecorator('metrics') ? app.metrics : undefined

  // The postback log table is this route's log: no info lines per request (they cost
  // a third of a postback's CPU). Refusals for authentication are warned about;
  // our own faults are logged as errors by the tracking runtime.
  const quiet = app.log.child({ route: '/aff/postback' }, { level: 'warn' })
  app.setChildLoggerFactory(() => quiet)

  // In this route's context only: every body arrives as text, whatever its type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body))

  app.route({
    method: ['GET', 'POST'],
    url: '/aff/postback',
    handler: async (request, reply) => {
      const rawBody = typeof request.body === 'string' && request.body.length > 0 ? request.body : null
      const result = await receivePostback(runtime.postbacks, {
        method: request.method,
        rawQuery: rawQueryOf(request),
        rawBody,
        bodyKind: rawBody === null ? null : bodyKindOf(request),
        sourceIp: request.ip ?? null,
      })
      metrics?.postbacks.inc({ outcome: result.outcome, reason: result.code })
      if (result.status === 403) request.log.warn({ sourceIp: request.ip, reason: result.reason, logId: result.logId }, 'postback refused: authentication')
      return reply.code(result.status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(result.body)
    },
  })
}
