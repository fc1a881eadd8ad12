import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'

describeEachDatabase('health endpoints', (t, provider) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  it('/healthz answers while the process is up', async () => {
    const res = await app.inject('/healthz')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ok' })
  })

  it('/readyz answers 200 when the database does', async () => {
    const res = await app.inject('/readyz')
    expect(res.statusCode).toBe(200)
    expect(res.json()).toEqual({ status: 'ready', database: provider })
  })
})
