// npm run test:reliability: the route-guard walk of tests/security/route-guard.test.ts
// once more, so that its count is among the suite's printed counts:
// "routes enumerated: N …, unguarded admin routes: 0".
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'
import { guardLine, walkRouteGuard } from '../helpers/route-guard.ts'

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
})
