// /admin/api/assignments — a partner's content for an offer, with its tracked link.
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { createAssignment, listAssignments, updateAssignment } from '../../../onboarding/assignments.ts'
import { baseUrlFor, idParams, onboardingContext } from '../../../console/context.ts'

const listQuery = z.object({ partnerId: z.coerce.number().int().positive().optional() })

export default async function assignmentsApi(app: FastifyInstance) {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)

  app.get('/assignments', async (request) => ({
    assignments: await listAssignments(ctx(request), baseUrlFor(app, request), listQuery.parse(request.query)),
  }))

  app.post('/assignments', async (request, reply) => {
    const assignment = await createAssignment(ctx(request), request.body, baseUrlFor(app, request))
    return reply.code(201).send(assignment)
  })

  app.patch('/assignments/:id', async (request) => {
    const { id } = idParams.parse(request.params)
    const assignment = await updateAssignment(ctx(request), id, request.body, baseUrlFor(app, request))
    app.tracking.linksChanged(assignment.code)
    return assignment
  })
}
