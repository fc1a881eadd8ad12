// GET|POST /aff/postback — networks' server-to-server conversion reports. Thin:
// receivePostback does the work, postbackAnswer words its outcome. The bodies are kept as raw text (form or JSON)
// so the postback log holds what the network sent, and a replay reads the same.
import type { FastifyInstance } from 'fastify'
import { incomingPostback } from '../../http/postback-request.ts'
import postbackRateLimit from '../../plugins/postback-rate-limit.ts'
import { receivePostback } from '../../postbacks/receive-postback.ts'
import { postbackAnswer } from '../../http/postback-answer.ts'

export default async function postback(app: FastifyInstance) {
  const runtime = app.tracking
  const metrics = app.hasDecorator('metrics') ? app.metrics : undefined

  // The postback log table is this route's log: no info lines per request (they cost
  // a third of a postback's CPU). Refusals for authentication are warned about when
  // their log line is written (past its rate, the gate warns once per window);
  // our own faults are logged as errors by the tracking runtime.
  const quiet = app.log.child({ route: '/aff/postback' }, { level: 'warn' })
  app.setChildLoggerFactory(() => quiet)

  // In this route's context only: every body arrives as text, whatever its type.
  app.removeAllContentTypeParsers()
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    done(null, body)
  })
  // Per-source rate limit, in this route's context only.
  await app.register(postbackRateLimit)

  app.route({
    method: ['GET', 'POST'],
    url: '/postback',
    // No automatic HEAD: it would run this handler and book the conversion from a
    // request that, by HTTP's rules, only asks for headers.
    exposeHeadRoute: false,
    handler: async (request, reply) => {
      const result = await receivePostback(runtime.postbacks, incomingPostback(request))
      metrics?.postbacks.inc({ outcome: result.outcome, reason: result.code })
      if (result.outcome === 'forbidden' && result.logId !== null)
        request.log.warn({ sourceIp: request.ip, reason: result.reason, logId: result.logId }, 'postback refused: authentication')
      const answer = postbackAnswer(result)
      return reply.code(answer.status).header('cache-control', 'no-store').type('text/plain; charset=utf-8').send(answer.body)
    },
  })
}
