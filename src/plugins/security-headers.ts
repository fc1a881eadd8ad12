// Security headers (@fastify/helmet) with a Content-Security-Policy made for our
// server-rendered pages: they load one stylesheet from us, inline SVG charts and
// plain HTML forms posting back to us — no script at all, no inline style, no
// framing. Anything else (an injected <script>, a style attribute, a form posting
// elsewhere) is refused by the browser even if it slipped into a page.
//
// Only the routes under the console's prefixes get them: helmet builds its
// headers on every request it covers, which halves the throughput of a bare 302,
// and the click redirector and the postback endpoint serve no page to protect.
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

/** Where pages (and the console's JSON and CSV) are served. */
export const PAGE_PREFIXES = ['/admin', '/ops', '/login', '/logout', '/assets']

export function servesPages(url: string): boolean {
  return PAGE_PREFIXES.some((p) => url === p || url.startsWith(`${p}/`) || url.startsWith(`${p}.`))
}

export default fp(
  async (app) => {
    // Before helmet's own hooks: routes registered from now on opt in by their path.
    app.addHook('onRoute', (route) => {
      if (!servesPages(route.url)) return
      const config = (route.config ?? {}) as Record<string, unknown>
      route.config = { ...config, helmet: config.helmet ?? {} } as typeof route.config
    })
    await app.register(helmet, {
      global: false,
      // useDefaults off: its upgrade-insecure-requests would send the forms of a
      // plain-HTTP install (127.0.0.1, behind a TLS proxy) to https.
      contentSecurityPolicy: { useDefaults: false, directives: CONTENT_SECURITY_POLICY },
      referrerPolicy: { policy: 'same-origin' },
      hsts: app.config.env === 'production',
    })
  },
  { name: 'security-headers', dependencies: ['admin-auth'] },
)
