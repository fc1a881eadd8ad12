// The admin JSON API (/admin/api): onboarding of networks, offers, partners and
// assignments. Registered inside the console routes, behind their guard.
import type { FastifyInstance } from 'fastify'
import networks from './networks.ts'
import offers from './offers.ts'
import partners from './partners.ts'
import assignments from './assignments.ts'

export default async function adminApi(app: FastifyInstance) {
  await app.register(networks)
  await app.register(offers)
  await app.register(partners)
  await app.register(assignments)
}
