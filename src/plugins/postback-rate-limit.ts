// Per-source rate limit of /aff/postback: POSTBACK_RATE_LIMIT postbacks per
// second from one address (request.ip, so X-Forwarded-For only with TRUST_PROXY;
// IPv6 counted per /64, as @fastify/rate-limit does); 0 turns it off. Over the
// limit: 429 with Retry-After — networks retry on any non-2xx. The refused
// request is still written to the postback log (rejected, so replayable) until
// its source has been refused as many times again in the window: a source that
// ignores 429s can at most double its log writes. The first refusal of a window
// is warned about in the server log.
//
// Registered inside the postback route's context only (at preHandler, once the
// body is read for the log): the redirector never pays for it.
import fp from 'fastify-plugin'
import { normalizeIP } from '@fastify/rate-limit'
import { incomingPostback } from '../http/postback-request.ts'
import { RateWindow } from '../http/rate-window.ts'
import { logThrottledPostback, THROTTLED_REASON } from '../postbacks/receive-postback.ts'
import { postbackAnswer } from '../http/postback-answer.ts'

export const POSTBACK_RATE_WINDOW_MS = 1_000
// Every refusal of /aff/postback: worded by the route's mapping, with the reason its log line keeps.
const THROTTLED = postbackAnswer({ outcome: 'rejected', code: 'rate_limited', reason: THROTTLED_REASON })

export default fp(
  async (app) => {
    const max = app.config.postbackRateLimit
    if (max === 0) return
    const runtime = app.tracking
    const metrics = app.hasDecorator('metrics') ? app.metrics : undefined
    const window = new RateWindow(max, POSTBACK_RATE_WINDOW_MS)

    // Callback style: a hook every postback passes should not cost it a promise.
    app.addHook('preHandler', (request, reply, done) => {
      const hit = window.hit(normalizeIP(request.ip))
      if (hit.over === 0) {
        done()
        return
      }
      if (hit.over === 1)
        request.log.warn(
          { sourceIp: request.ip, limit: max, windowMs: POSTBACK_RATE_WINDOW_MS },
          'postbacks over the per-source rate limit: answering 429',
        )
      metrics?.postbacks.inc({ outcome: 'rejected', reason: 'rate_limited' })
      const logged = hit.over <= max ? logThrottledPostback(runtime.postbacks, incomingPostback(request)) : Promise.resolve(null)
      logged
        .then(() =>
          reply
            .code(THROTTLED.status)
            .header('retry-after', String(Math.max(1, Math.ceil(hit.retryAfterMs / 1000))))
            .header('cache-control', 'no-store')
            .type('text/plain; charset=utf-8')
            .send(THROTTLED.body),
        )
        .catch((err: unknown) => {
          request.log.error({ err }, 'postback rate limit: could not answer')
        })
    })
  },
  { name: 'postback-rate-limit' },
)
