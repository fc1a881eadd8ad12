import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { freePort } from '../helpers/server-process.ts'

describeEachDatabase('Prometheus metrics', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  it('are behind the admin guard on the main port', async () => {
    expect((await app.inject('/metrics')).statusCode).toBe(401)
  })

  it('count requests by route pattern and status, with latency', async () => {
    await app.inject('/healthz')
    await app.inject('/healthz')
    await app.inject('/nowhere-at-all')
    const res = await app.inject({ url: '/metrics', headers: adminHeaders })
    expect(res.statusCode).toBe(200)
    expect(res.headers['content-type']).toContain('text/plain')
    expect(res.body).toMatch(/contentflow_http_requests_total\{method="GET",route="\/healthz",status="200",app="contentflow"\} 2/)
    expect(res.body).toMatch(/contentflow_http_requests_total\{method="GET",route="unmatched",status="404",app="contentflow"\} 1/)
    expect(res.body).toContain('contentflow_http_request_duration_seconds_bucket')
    expect(res.body).toMatch(/contentflow_http_request_duration_seconds_count\{app="contentflow",route="\/healthz"\} 2/)
    expect(res.body).toContain('process_resident_memory_bytes')
  })

  it('keep one series per method, route and status as requests repeat', async () => {
    const series = async () => (await app.inject({ url: '/metrics', headers: adminHeaders })).body
    const count = (body: string, method: string, status: number) =>
      Number(
        new RegExp(
          `contentflow_http_requests_total\\{method="${method}",route="/r/:code",status="${status}",app="contentflow"\\} (\\d+)`,
        ).exec(body)?.[1] ?? 0,
      )
    const before = await series()
    for (let i = 0; i < 3; i++) await app.inject('/r/NoSuchCode1')
    await app.inject({ method: 'HEAD', url: '/r/NoSuchCode1' })
    const after = await series()
    expect(count(after, 'GET', 404) - count(before, 'GET', 404)).toBe(3)
    expect(count(after, 'HEAD', 404) - count(before, 'HEAD', 404)).toBe(1)
  })

  it('can be served unguarded on a separate port for a scraper', async () => {
    const port = await freePort()
    const side = await buildTestApp(t(), { METRICS_PORT: String(port) })
    try {
      await side.inject('/healthz')
      const res = await fetch(`http://127.0.0.1:${port}/metrics`)
      expect(res.status).toBe(200)
      expect(await res.text()).toContain('route="/healthz"')
      expect((await side.inject('/metrics')).statusCode).toBe(404)
    } finally {
      await side.close()
    }
  })
})
