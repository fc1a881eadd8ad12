// The baseline: bare Fastify 5 answering the same 302 our redirector answers,
// with no logging and no database. Every redirect figure is a ratio to this,
// measured in the same run with the same settings.
import Fastify from 'fastify'

const app = Fastify({ logger: false })
app.get('/healthz', async () => ({ status: 'ok' }))
app.get('/r/:code', async (request, reply) => {
  const { code } = request.params as { code: string }
  return reply.redirect(`https://advertiser.example/landing?affid=CF01&subid=1%3A1%3A${code}`, 302)
})
await app.listen({ host: process.env.HOST ?? '127.0.0.1', port: Number(process.env.PORT ?? 3001) })
