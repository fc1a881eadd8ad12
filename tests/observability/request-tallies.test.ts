// The request tallies must read exactly as prom-client's own Counter and Histogram
// would for the same requests: same lines in the text format a scraper reads, same JSON.
import { describe, expect, it } from 'vitest'
import { Counter, Histogram, Registry } from 'prom-client'
import { RequestTallies } from '../../src/observability/request-tallies.ts'

const buckets = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
const names = {
  requestsName: 'contentflow_http_requests_total',
  requestsHelp: 'HTTP requests by route and status',
  durationName: 'contentflow_http_request_duration_seconds',
  durationHelp: 'Time to answer, by route',
}

// Bounds themselves (a bucket includes its bound), in-between values, one beyond every bound.
const requests: [string, string, number, number][] = [
  ['GET', '/r/:code', 302, 0.0005],
  ['GET', '/r/:code', 302, 0.0007],
  ['GET', '/r/:code', 302, 0.001],
  ['HEAD', '/r/:code', 302, 0.003],
  ['GET', '/r/:code', 404, 0.00001],
  ['GET', '/aff/postback', 200, 0.012],
  ['GET', '/aff/postback', 400, 2.5],
  ['GET', 'unmatched', 404, 7],
]

function withPromClient() {
  const registry = new Registry()
  registry.setDefaultLabels({ app: 'contentflow' })
  const counter = new Counter({
    name: names.requestsName,
    help: names.requestsHelp,
    labelNames: ['method', 'route', 'status'],
    registers: [registry],
  })
  const histogram = new Histogram({
    name: names.durationName,
    help: names.durationHelp,
    labelNames: ['route'],
    buckets,
    registers: [registry],
  })
  return {
    registry,
    record: (m: string, r: string, s: number, sec: number) => (
      counter.inc({ method: m, route: r, status: s }),
      histogram.observe({ route: r }, sec)
    ),
  }
}

function withTallies() {
  const registry = new Registry()
  registry.setDefaultLabels({ app: 'contentflow' })
  const tallies = new RequestTallies({ registry, buckets, ...names })
  return { registry, record: (m: string, r: string, s: number, sec: number) => tallies.record(m, r, s, sec) }
}

describe('request tallies', () => {
  it('read as prom-client’s own counter and histogram, in text and JSON, scrape after scrape', async () => {
    const reference = withPromClient()
    const tallied = withTallies()
    for (const r of requests) {
      reference.record(...r)
      tallied.record(...r)
    }
    expect(await tallied.registry.metrics()).toBe(await reference.registry.metrics())
    expect(await tallied.registry.getMetricsAsJSON()).toEqual(await reference.registry.getMetricsAsJSON())
    // A second scrape counts only what came since on top: nothing counted twice.
    for (const r of requests.slice(0, 3)) {
      reference.record(...r)
      tallied.record(...r)
    }
    const text = await tallied.registry.metrics()
    expect(text).toBe(await reference.registry.metrics())
    expect(text).toContain('contentflow_http_requests_total{method="GET",route="/r/:code",status="302",app="contentflow"} 6')
    expect(text).toContain('contentflow_http_request_duration_seconds_bucket{le="0.0005",app="contentflow",route="/r/:code"} 3')
  })
})
