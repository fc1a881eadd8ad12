// The contexts the console's services need, from the app and the request (who acts).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { actorOf, actorUserIdOf } from '../../console/actor.ts'
import type { AccountContext } from '../../accounts/users.ts'
import type { HoldContext } from '../../holds/holds.ts'
import { ledgerRulesOf } from '../../ledger/balances.ts'
import type { PayoutContext } from '../../payouts/payouts.ts'

export function payoutContext(app: FastifyInstance, request: FastifyRequest): PayoutContext {
  return { database: app.database, rules: ledgerRulesOf(app.config), actor: actorOf(request) }
}

export function holdContext(app: FastifyInstance, request: FastifyRequest): HoldContext {
  return { database: app.database, actor: actorOf(request) }
}

export function accountContext(app: FastifyInstance, request: FastifyRequest): AccountContext {
  return { database: app.database, actor: actorOf(request), actorUserId: actorUserIdOf(request) }
}

export const idParams = z.object({ id: z.coerce.number().int().positive().max(2_147_483_647) })
