// Prometheus metrics: request counts and latency by route (hooks), the domain's
// own counters (app.metrics), and the /metrics endpoint — behind the admin guard
// on the main port, or unguarded on METRICS_PORT for a scraper on a private network.
import fp from 'fastify-plugin'
import Fastify from 'fastify'
import { createMetrics, type Metrics } from '../observability/metrics.ts'

export default fp(
  async (app) => {
    const metrics = createMetrics()
    app.decorate('metrics', metrics)

    app.addHook('onResponse', (request, reply, done) => {
      // The route pattern, not the URL: one series per route however many codes are clicked.
      metrics.requests.record(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000)
      done()
    })

    const serve = async () => metrics.registry.metrics()
    if (app.config.metricsPort) {
      const side = Fastify({ logger: false })
      side.get('/metrics', async (_request, reply) => reply.type(metrics.registry.contentType).send(await serve()))
      app.addHook('onReady', async () => {
        await side.listen({ host: app.config.host, port: app.config.metricsPort })
      })
      app.addHook('onClose', async () => side.close())
    } else {
      app.get('/metrics', { onRequest: app.requireAdmin }, async (_request, reply) =>
        reply.type(metrics.registry.contentType).send(await serve()),
      )
    }
  },
  { name: 'metrics', dependencies: ['admin-auth'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    metrics: Metrics
  }
}
