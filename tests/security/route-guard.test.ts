// Walks every registered route and proves that none outside the public list
// answers without the admin secret or session.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'
import { guardLine, walkRouteGuard } from '../helpers/route-guard.ts'

describeEachDatabase('admin guard on every route', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  it('no route outside the public list answers without credentials', async () => {
    const report = await walkRouteGuard(app)
    expect(report.guardedOnly).toBeGreaterThan(0)
    console.log(guardLine(report))
    expect(report.unguarded).toEqual([])
  })

  it('a wrong x-admin-secret gets the sketch\'s Unauthorized page', async () => {
    const res = await app.inject({ url: '/metrics', headers: { 'x-admin-secret': 'nope', accept: 'text/html' } })
    expect(res.statusCode).toBe(401)
    expect(res.body).toBe('<h3>Unauthorized</h3>')
  })
})
