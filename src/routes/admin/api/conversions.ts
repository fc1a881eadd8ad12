// /admin/api/conversions — the ledger's conversions as networks moved them: one
// by network and txn id with its whole history (what the network said, when,
// and from where), or a filtered list, newest first, by keyset pages: pass the
// answer's nextPage as ?cursor= (null: the last page). And ops' corrections of
// one conversion (status, amount, partner), each with a reason, answered with the
// corrected conversion as the read gives it.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { conversionOf, listConversions, MAX_PAGE_SIZE, type ConversionFilter } from '../../../ledger/conversions.ts'
import { CONVERSION_STATUSES } from '../../../ledger/transitions.ts'
import { assignConversion, correctAmount, correctStatus, type CorrectionContext } from '../../../ledger/corrections.ts'
import { InvalidInput } from '../../../errors.ts'
import { actorOf } from '../../../console/actor.ts'
import { idParams, jsonBody } from '../../../console/context.ts'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { DAY_MS } from '../../../time.ts'

const blankIsMissing = <T extends z.ZodType>(schema: T) =>
  z.preprocess((v) => (v === '' || v === undefined ? undefined : v), schema.optional())

const DAY = /^\d{4}-\d{2}-\d{2}$/
/** A day (YYYY-MM-DD, UTC) or an ISO 8601 instant. */
const when = z
  .string()
  .max(40)
  .refine((s) => (DAY.test(s) || s.includes('T')) && !Number.isNaN(Date.parse(DAY.test(s) ? `${s}T00:00:00Z` : s)), {
    error: 'expected a date (YYYY-MM-DD) or an ISO 8601 instant',
  })

const conversionsQuery = z.object({
  network: blankIsMissing(z.string().max(64)),
  txn_id: blankIsMissing(z.string().max(128)),
  status: blankIsMissing(z.enum(CONVERSION_STATUSES)),
  /** A flag word (unknown_click…), "any" (flagged) or "none" (clean). */
  flag: blankIsMissing(z.string().regex(/^[a-z_]{1,32}$/, 'expected a flag word, "any" or "none"')),
  partner: blankIsMissing(z.coerce.number().int().positive().max(2_147_483_647)),
  /** Created at or after (a day: from its start). */
  from: blankIsMissing(when),
  /** Created before (a day: included, up to its end). */
  to: blankIsMissing(when),
  cursor: blankIsMissing(z.string().max(64)),
  limit: blankIsMissing(z.coerce.number().int().min(1).max(MAX_PAGE_SIZE)),
})

const instant = (s: string, dayEnd: boolean) => (DAY.test(s) ? new Date(Date.parse(`${s}T00:00:00Z`) + (dayEnd ? DAY_MS : 0)) : new Date(s))

const id32 = z.number().int().positive().max(2_147_483_647)
// The reason's rules (trimmed, non-empty, at most 500) are the ledger's (reasonOf): one wording for every caller.
const statusBody = jsonBody(z.strictObject({ status: z.enum(CONVERSION_STATUSES), reason: z.string() }))
const amountBody = jsonBody(z.strictObject({ amountCents: z.number().int().min(0).max(2_147_483_647), reason: z.string() }))
const assignBody = jsonBody(z.strictObject({ partnerId: id32, reason: z.string() }))

const correctionContext = (app: FastifyInstance, request: FastifyRequest): CorrectionContext => ({
  database: app.database,
  actor: actorOf(request),
})

const conversionsApi: FastifyPluginAsyncZod = async (app) => {
  app.post('/conversions/:id/status', { schema: { params: idParams, body: statusBody } }, async (request) =>
    correctStatus(correctionContext(app, request), request.params.id, request.body.status, request.body.reason),
  )

  app.post('/conversions/:id/amount', { schema: { params: idParams, body: amountBody } }, async (request) =>
    correctAmount(correctionContext(app, request), request.params.id, request.body.amountCents, request.body.reason),
  )

  app.post('/conversions/:id/assign', { schema: { params: idParams, body: assignBody } }, async (request) =>
    assignConversion(correctionContext(app, request), request.params.id, request.body.partnerId, request.body.reason),
  )

  app.get('/conversions', { schema: { querystring: conversionsQuery } }, async (request) => {
    const q = request.query
    if (q.txn_id !== undefined) {
      if (q.network === undefined) throw new InvalidInput('txn_id needs network (a txn id is unique per network)')
      return conversionOf(app.database, q.network, q.txn_id)
    }
    const filter: ConversionFilter = {
      ...(q.network !== undefined ? { networkSlug: q.network } : {}),
      ...(q.status !== undefined ? { status: q.status } : {}),
      ...(q.flag !== undefined ? { flag: q.flag } : {}),
      ...(q.partner !== undefined ? { partnerId: q.partner } : {}),
      ...(q.from !== undefined ? { from: instant(q.from, false) } : {}),
      ...(q.to !== undefined ? { to: instant(q.to, true) } : {}),
    }
    return listConversions(app.database, filter, { cursor: q.cursor, limit: q.limit ?? 50 })
  })
}

export default conversionsApi
