// Walks every registered route and proves that none outside the public list
// answers without the admin secret or session.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'

/** Routes anyone may call, each for a reason. */
const PUBLIC = new Set([
  '/healthz', // load balancer liveness
  '/readyz', // load balancer readiness
  '/assets/app.css', // the stylesheet of the login page
  '/r/:code', // the click redirector
  '/aff/postback', // networks' S2S postbacks (authenticated by the network's token)
  '/login', // the login form
  '/logout', // ends a session
])

describeEachDatabase('admin guard on every route', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  it('no route outside the public list answers without credentials', async () => {
    const routes = app.registeredRoutes.filter((r) => !PUBLIC.has(r.url.replace(/\/$/, '') || '/'))
    expect(routes.length).toBeGreaterThan(0)
    const unguarded: string[] = []
    for (const route of routes) {
      const url = route.url.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? '1' : 'x'))
      for (const headers of [{}, { accept: 'text/html' }, { 'x-admin-secret': 'wrong-secret-of-the-right-length-123' }]) {
        const res = await app.inject({ method: route.method as 'GET', url, headers, payload: route.method === 'GET' || route.method === 'HEAD' ? undefined : {} })
        const toLogin = res.statusCode === 302 && String(res.headers.location).startsWith('/login')
        if (res.statusCode !== 401 && !toLogin) unguarded.push(`${route.method} ${route.url} → ${res.statusCode}`)
      }
    }
    console.log(`routes enumerated: ${app.registeredRoutes.length} (${routes.length} guarded-only), unguarded admin routes: ${unguarded.length}`)
    expect(unguarded).toEqual([])
  })

  it('a wrong x-admin-secret gets the sketch\'s Unauthorized page', async () => {
    const res = await app.inject({ url: '/metrics', headers: { 'x-admin-secret': 'nope', accept: 'text/html' } })
    expect(res.statusCode).toBe(401)
    expect(res.body).toBe('<h3>Unauthorized</h3>')
  })
})
