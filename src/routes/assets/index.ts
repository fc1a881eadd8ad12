// The console's one stylesheet, read once and served with a long cache.
import { readFileSync } from 'node:fs'
import path from 'node:path'
import type { FastifyInstance } from 'fastify'
import { viewsDir } from '../../plugins/views.ts'

export default async function (app: FastifyInstance) {
  const css = readFileSync(path.join(viewsDir, 'assets', 'app.css'))
  app.get('/app.css', async (_request, reply) =>
    reply.type('text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(css),
  )
  // The copy buttons' script (views/assets/copy.js): the CSP allows scripts from here only.
  const copyJs = readFileSync(path.join(viewsDir, 'assets', 'copy.js'))
  app.get('/copy.js', async (_request, reply) =>
    reply.type('text/javascript; charset=utf-8').header('cache-control', 'public, max-age=3600').send(copyJs),
  )
}
