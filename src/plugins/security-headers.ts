// Security headers (@fastify/helmet) with a Content-Security-Policy made for our
// server-rendered pages: they load one stylesheet from us, inline SVG charts and
// plain HTML forms posting back to us — no script at all, no inline style, no
// framing. Anything else (an injected <script>, a style attribute, a form posting
// elsewhere) is refused by the browser even if it slipped into a page.
import fp from 'fastify-plugin'
import helmet from '@fastify/helmet'

export const CONTENT_SECURITY_POLICY = {
  defaultSrc: ["'none'"],
  scriptSrc: ["'none'"],
  styleSrc: ["'self'"],
  imgSrc: ["'self'", 'data:'],
  fontSrc: ["'self'"],
  connectSrc: ["'self'"],
  formAction: ["'self'"],
  frameAncestors: ["'none'"],
  baseUri: ["'none'"],
  objectSrc: ["'none'"],
}

export default fp(
  async (app) => {
    await app.register(helmet, {
      // useDefaults off: its upgrade-insecure-requests would send the forms of a
      // plain-HTTP install (127.0.0.1, behind a TLS proxy) to https.
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'same-origin' },
      hsts: app.config.env === 'production',
    })
  },
  { name: 'security-headers', dependencies: ['admin-auth'] },
)
