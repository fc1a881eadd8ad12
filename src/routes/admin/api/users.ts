// /admin/api/users — accounts for automation: the first owner comes from here
// (with the header secret) or the CLI. Owner-only, like the pages.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { changeRole, createUser, listUsers, setDisabled, setPassword, userById } from '../../../accounts/users.ts'
import { accountContext, idParams, jsonBody } from '../../../console/context.ts'

const ownerOnly = { config: { ownerOnly: true } }
const bodyOf = (body: unknown) => (body === undefined || body === null ? {} : body)
const patchBody = jsonBody(
  z.strictObject({ role: z.string().optional(), disabled: z.boolean().optional(), password: z.string().optional() }),
)

const usersApi: FastifyPluginAsyncZod = async (app) => {
  app.get('/users', ownerOnly, async (request) => ({ users: await listUsers(accountContext(app, request)) }))

  app.post('/users', ownerOnly, async (request, reply) => {
    const user = await createUser(accountContext(app, request), bodyOf(request.body))
    return reply.code(201).send({ id: user.id })
  })

  app.patch('/users/:id', { ...ownerOnly, schema: { params: idParams, body: patchBody } }, async (request) => {
    const { id } = request.params
    const body = request.body
    const ctx = accountContext(app, request)
    if (body.role !== undefined) await changeRole(ctx, id, body.role)
    if (body.disabled !== undefined) await setDisabled(ctx, id, body.disabled)
    if (body.password !== undefined) await setPassword(ctx, id, body.password)
    return userById(ctx, id)
  })
}

export default usersApi
