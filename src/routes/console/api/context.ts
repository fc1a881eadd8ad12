// What the admin API's route modules share: the onboarding context of a request,
// and the public base of the links they hand out.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import type { OnboardingContext } from '../../../onboarding/networks.ts'
import { publicBaseUrl } from '../../../onboarding/public-base.ts'
import { actorOf } from '../../../console/actor.ts'

/** Who acts is the request's account (its email, or admin-api for the header secret). */
export function onboardingContext(app: FastifyInstance, request: FastifyRequest): OnboardingContext {
  return { database: app.database, fxRates: app.config.fxRates, actor: actorOf(request) }
}

export function baseUrlFor(app: FastifyInstance, request: FastifyRequest): string {
  return publicBaseUrl(app.config, `${request.protocol}://${request.host}`)
}

export const idParam = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
