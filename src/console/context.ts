// The contexts the console's and the admin API's services need, from the app and
// the request (who acts), the public base of the links they hand out, and the
// one schema of an `:id` in a URL.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { actorOf, actorUserIdOf } from './actor.ts'
import type { AccountContext } from '../accounts/users.ts'
import type { HoldContext } from '../holds/holds.ts'
import { ledgerRulesOf } from '../ledger/balances.ts'
import type { OnboardingContext } from '../onboarding/networks.ts'
import { publicBaseUrl } from '../onboarding/public-base.ts'
import type { PayoutContext } from '../payouts/payouts.ts'

export function payoutContext(app: FastifyInstance, request: FastifyRequest): PayoutContext {
  return { database: app.database, rules: ledgerRulesOf(app.config), actor: actorOf(request) }
}

export function holdContext(app: FastifyInstance, request: FastifyRequest): HoldContext {
  return { database: app.database, actor: actorOf(request) }
}

export function accountContext(app: FastifyInstance, request: FastifyRequest): AccountContext {
  return { database: app.database, actor: actorOf(request), actorUserId: actorUserIdOf(request) }
}

/** Who acts is the request's account (its email, or admin-api for the header secret). */
export function onboardingContext(app: FastifyInstance, request: FastifyRequest): OnboardingContext {
  return { database: app.database, fxRates: app.config.fxRates, actor: actorOf(request) }
}

export function baseUrlFor(app: FastifyInstance, request: FastifyRequest): string {
  return publicBaseUrl(app.config, `${request.protocol}://${request.host}`)
}

/** Route params `{ id }`: a positive 32-bit integer (the ids of every table). */
export const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })

/** A console form's `:id`: a refused one becomes the form's flash message (answerForm), not an error page. */
export const idForm = { schema: { params: idParams }, attachValidation: true }

/** A form route's `:id`, for its way back: the id, or '' when the schema refused it. */
export function idOf(params: unknown): number | '' {
  return idParams.safeParse(params).data?.id ?? ''
}

/** The JSON API's body when none was sent: an empty object, so the schema names the missing fields. */
export function jsonBody<T extends z.ZodType>(schema: T) {
  return z.preprocess((body) => body ?? {}, schema)
}
