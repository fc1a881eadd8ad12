// Everything under /admin and /ops: the ops console and the admin API. Who may
// do what is decided here, once, before any route: no route in this folder can
// forget it.
//   1. the guard: a live session or the header secret (app.requireAdmin);
//   2. the role: a viewer changes nothing, owner-only routes (marked
//      `config: { ownerOnly: true }`) refuse everyone else (src/accounts/roles.ts);
//   3. CSRF: a state change made with a session carries that session's token.
import type { FastifyInstance } from 'fastify'
import { refusalFor } from '../../accounts/roles.ts'
import { Forbidden } from '../../errors.ts'
import adminApi from './api/index.ts'
import monitoring from './monitoring.ts'
import payoutPages from './payouts.ts'
import holdPages from './holds.ts'
import partnerPages from './partners.ts'
import payoutsApi from './payouts-api.ts'
import userPages from './users.ts'

const READS = new Set(['GET', 'HEAD'])

export default async function consoleRoutes(app: FastifyInstance) {
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
  // After the body is parsed: forms carry the token in _csrf. The header secret
  // is automation (no session): a browser never sends it on its own.
  app.addHook('preHandler', (request, reply, done) => {
    if (READS.has(request.method)) {
      done()
      return
    }
    app.checkSessionCsrf(request, reply, done)
  })
  await app.register(adminApi)
  await app.register(monitoring)
  await app.register(payoutPages)
  await app.register(holdPages)
  await app.register(partnerPages)
  await app.register(payoutsApi)
  await app.register(userPages)
}

declare module 'fastify' {
  interface FastifyContextConfig {
    /** Only owners may call this route (users, settings). */
    ownerOnly?: boolean
  }
}
