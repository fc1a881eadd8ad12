// /admin/api/assignments — a partner's content for an offer, with its tracked link.
import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { createAssignment, listAssignments, updateAssignment } from '../../../onboarding/assignments.ts'
import { baseUrlFor, idParams, onboardingContext } from '../../../console/context.ts'

const listQuery = z.object({ partnerId: z.coerce.number().int().positive().optional() })

const assignmentsApi: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get('/assignments', { schema: { querystring: listQuery } }, async (request) => ({
    assignments: await listAssignments(ctx(request), baseUrlFor(app, request), request.query),
  }))

  app.post('/assignments', async (request, reply) => {
    const assignment = await createAssignment(ctx(request), request.body, baseUrlFor(app, request))
    return reply.code(201).send(assignment)
  })

  app.patch('/assignments/:id', { schema: { params: idParams } }, async (request) => {
    const { id } = request.params
    const assignment = await updateAssignment(ctx(request), id, request.body, baseUrlFor(app, request))
    app.tracking.linksChanged(assignment.code)
    return assignment
  })
}

export default assignmentsApi
