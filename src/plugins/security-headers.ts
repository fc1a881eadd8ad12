// Security headers (@fastify/helmet) with a Content-Security-Policy made for our
// server-rendered pages: they load one stylesheet from us, inline SVG charts and
// plain HTML forms posting back to us — no script at all, no inline style, no
// framing. Anything else (an injected <script>, a style attribute, a form posting
// elsewhere) is refused by the browser even if it slipped into a page.
//
// Only the page folders get them (their autohooks.ts, plugins/page-hooks.ts): helmet's request
// hooks run on every request of the context they are registered in — ~5 % of the
// redirect's throughput when they were global, to decide to do nothing — and the
// click redirector and the postback endpoint serve no page to protect. A page
// answered outside that context (the 404 page of an unmatched console URL) gets the
// same headers from applyPageHeaders.
import fp from 'fastify-plugin'
import fastifyHelmet from '@fastify/helmet'
import helmet from 'helmet'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Config } from '../config.ts'

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  // One script of ours (/assets/copy.js, the copy buttons); never inline.
  scriptSrc: ["'self'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
}

function helmetOptions(config: Config) {
  return {
    // useDefaults off: its upgrade-insecure-requests would send the forms of a
    // plain-HTTP install (127.0.0.1, behind a TLS proxy) to https.
    contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
    referrerPolicy: { policy: 'same-origin' as const },
    hsts: config.env === 'production',
  }
}

/** Registers the headers for every route registered after it in this context (the pages'). */
export async function pageSecurityHeaders(app: FastifyInstance): Promise<void> {
  await app.register(fastifyHelmet, { global: true, ...helmetOptions(app.config) })
}

/** applyPageHeaders(request, reply): the pages' headers on a reply answered outside their context. */
export default fp(
  async (app) => {
    const middleware = helmet(helmetOptions(app.config))
    app.decorate('applyPageHeaders', (request: FastifyRequest, reply: FastifyReply) => {
      middleware(request.raw, reply.raw, () => {})
    })
  },
  { name: 'security-headers' },
)

declare module 'fastify' {
  interface FastifyInstance {
    applyPageHeaders(request: FastifyRequest, reply: FastifyReply): void
  }
}
