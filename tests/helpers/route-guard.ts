// Walks every registered route and asks each, without credentials and with a
// wrong secret, as a browser and as a script: anything outside the public list
// must answer 401 or send the browser to /login. Shared by
// tests/security/route-guard.test.ts and its reliability-suite twin.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildTestApp } from './app.ts'
import { describeEachDatabase } from './databases.ts'

/** Routes anyone may call, each for a reason. */
export const PUBLIC_ROUTES = new Set([
  '/healthz', // load balancer liveness
  '/readyz', // load balancer readiness
  '/assets/app.css', // the stylesheet of the login page
  '/r/:code', // the click redirector
  '/aff/postback', // networks' S2S postbacks (authenticated by the network's token)
  '/login', // the login form
  '/logout', // ends a session
])

export interface GuardReport {
  enumerated: number
  guardedOnly: number
  unguarded: string[]
}

export async function walkRouteGuard(app: FastifyInstance): Promise<GuardReport> {
  const routes = app.registeredRoutes.filter((r) => !PUBLIC_ROUTES.has(r.url.replace(/\/$/, '') || '/'))
  const unguarded: string[] = []
  for (const route of routes) {
    const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? '1' : 'x'))
    for (const headers of [{}, { accept: 'text/html' }, { 'x-admin-secret': 'wrong-secret-of-the-right-length-123' }]) {
      const res = await app.inject({ method: route.method as 'GET', url, headers, payload: route.method === 'GET' || route.method === 'HEAD' ? undefined : {} })
      const toLogin = res.statusCode === 302 && String(res.headers.location).startsWith('/login')
      if (res.statusCode !== 401 && !toLogin) unguarded.push(`${route.method} ${route.url} → ${res.statusCode}`)
    }
  }
  return { enumerated: app.registeredRoutes.length, guardedOnly: routes.length, unguarded }
}

export function guardLine(r: GuardReport): string {
  return `routes enumerated: ${r.enumerated} (${r.guardedOnly} guarded-only), unguarded admin routes: ${r.unguarded.length}`
}

/**
 * The walk as a test block on both databases, printing its count line; `more`
 * adds tests on the same app.
 */
export function describeRouteGuardWalk(more?: (app: () => FastifyInstance) => void) {
  describeEachDatabase('admin guard on every route', (t, provider) => {
    let app: FastifyInstance
    beforeAll(async () => {
      app = await buildTestApp(t())
    })
    afterAll(async () => app.close())

    it('no route outside the public list answers without credentials', async () => {
      const report = await walkRouteGuard(app)
      expect(report.guardedOnly).toBeGreaterThan(0)
      console.log(`${guardLine(report)} [${provider}]`)
      expect(report.unguarded).toEqual([])
    })
    more?.(() => app)
  })
}
