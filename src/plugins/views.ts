// Server-rendered pages: Eta templates from views/, HTML-escaped by default.
import path from 'node:path'
import fp from 'fastify-plugin'
import view from '@fastify/view'
import { Eta } from 'eta'
import { projectRoot } from '../db/schema-source.ts'

export const viewsDir = path.join(projectRoot, 'views')

export default fp(
  async (app) => {
    const eta = new Eta({ views: viewsDir, autoEscape: true, cache: app.config.env === 'production' })
    await app.register(view, { engine: { eta }, templates: viewsDir })
  },
  { name: 'views' },
)
