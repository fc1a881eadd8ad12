// What the admin API's route modules share: the onboarding context of this app,
// and the public base of the links they hand out.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { OnboardingContext } from '../../../onboarding/networks.ts'
import { publicBaseUrl } from '../../../onboarding/public-base.ts'

export function onboardingContext(app: FastifyInstance): OnboardingContext {
  return { database: app.database, fxRates: app.config.fxRates, actor: 'admin-api' }
}

export function baseUrlFor(app: FastifyInstance, request: FastifyRequest): string {
  return publicBaseUrl(app.config, `${request.protocol}://${request.host}`)
}

export const idParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
