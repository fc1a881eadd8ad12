// The hooks of the route folders that serve pages (src/routes/*/autohooks.ts):
// every route under such a folder gets them, so none can forget them. The
// tracking endpoints (/r, /aff/postback) live in folders without autohooks and
// never run them.
//   pageHooks:    the pages' security headers (helmet) and the text-input check;
//   consoleHooks: for /admin and /ops, in this order —
//     1. the guard: a live session or the header secret (app.requireAdmin);
//     2. the role: a viewer changes nothing, owner-only routes (marked
//        `config: { ownerOnly: true }`) refuse everyone else (src/accounts/roles.ts);
//     3. CSRF: a state change made with a session carries that session's token,
//        checked once the body is parsed and before the route's schema runs.
import type { FastifyInstance } from 'fastify'
import { refusalFor } from '../accounts/roles.ts'
import { Forbidden } from '../errors.ts'
import { pageSecurityHeaders } from './security-headers.ts'
import { refuseUnstorableTextIn } from './text-input.ts'

const READS = new Set(['GET', 'HEAD'])

export async function pageHooks(app: FastifyInstance): Promise<void> {
  await pageSecurityHeaders(app)
  refuseUnstorableTextIn(app)
}

export async function consoleHooks(app: FastifyInstance): Promise<void> {
  await pageHooks(app)
  app.addHook('onRequest', app.requireAdmin)
  app.addHook('onRequest', (request, _reply, done) => {
    const account = request.account
    // No account: the guard has answered already.
    if (!account) {
      done()
      return
    }
    const why = refusalFor(account.role, { method: request.method, ownerOnly: request.routeOptions.config.ownerOnly === true })
    done(why ? new Forbidden(why) : undefined)
  })
  // Forms carry the token in _csrf. The header secret is automation (no
  // session): a browser never sends it on its own.
  app.addHook('preValidation', (request, reply, done) => {
    if (READS.has(request.method)) {
      done()
      return
    }
    app.checkSessionCsrf(request, reply, done)
  })
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only owners may call this route (users, settings). */
    ownerOnly?: boolean
  }
}
