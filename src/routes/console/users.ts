// /admin/users — owners manage the people who sign in: create, change role,
// disable or enable, reset a password, see and revoke live sessions. And
// POST /admin/api/users for automation (the first owner with the header secret).
// Every route here is owner-only (the console's role hook reads the marker).
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { ROLE_LABELS, ROLES } from '../../accounts/roles.ts'
import { liveSessionsOf } from '../../accounts/sessions.ts'
import { auditOfUser, changeRole, createUser, listUsers, revokeSession, setDisabled, setPassword, userById } from '../../accounts/users.ts'
import { field, formAction, renderPage } from './page.ts'
import { accountContext, idParams } from './context.ts'

const ownerOnly = { config: { ownerOnly: true } }
const bodyOf = (body: unknown) => (body === undefined || body === null ? {} : body)

export default async function userPages(app: FastifyInstance) {
  const policy = { maxMs: app.config.sessionMaxMs, idleMs: app.config.sessionIdleMs }
  const userPage = (request: { params: unknown }) => `/admin/users/${idParams.safeParse(request.params).data?.id ?? ''}`

  app.get('/admin/users', ownerOnly, async (request, reply) => {
    const users = await listUsers(accountContext(app, request))
    return renderPage(request, reply, 'users', {
      title: 'Utilisateurs — ContentFlow',
      nav: 'users',
      users,
      roles: ROLES,
      roleLabels: ROLE_LABELS,
    })
  })

  app.get<{ Params: { id: string } }>('/admin/users/:id', ownerOnly, async (request, reply) => {
    const { id } = idParams.parse(request.params)
    const ctx = accountContext(app, request)
    const [user, sessions, audit] = await Promise.all([
      userById(ctx, id),
      liveSessionsOf(app.database, id, policy),
      auditOfUser(app.database, id),
    ])
    return renderPage(request, reply, 'user', {
      title: `${user.name} — Utilisateurs — ContentFlow`,
      nav: 'users',
      user,
      sessions,
      audit,
      roles: ROLES,
      roleLabels: ROLE_LABELS,
      currentSession: request.account?.session?.id ?? null,
    })
  })

  app.post<{ Params: Record<string, string>; Body: Record<string, unknown> }>(
    '/admin/users',
    ownerOnly,
    formAction(
      () => '/admin/users',
      async (request) => {
        const b = request.body
        const user = await createUser(accountContext(app, request), {
          email: field(b, 'email'),
          name: field(b, 'name'),
          role: field(b, 'role'),
          password: field(b, 'password'),
        })
        return `Compte créé : ${user.email} (${ROLE_LABELS[user.role as keyof typeof ROLE_LABELS]}).`
      },
    ),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/users/:id/role',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await changeRole(accountContext(app, request), id, field(request.body, 'role'))
      return `${user.email} : rôle ${ROLE_LABELS[user.role as keyof typeof ROLE_LABELS]}.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/users/:id/disable',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setDisabled(accountContext(app, request), id, true)
      return `${user.email} désactivé : ses sessions sont terminées.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/users/:id/enable',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setDisabled(accountContext(app, request), id, false)
      return `${user.email} réactivé.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/users/:id/password',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setPassword(accountContext(app, request), id, field(request.body, 'password'))
      return `Mot de passe de ${user.email} remplacé : ses sessions sont terminées.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/admin/users/:id/sessions/revoke',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      await revokeSession(accountContext(app, request), id, field(request.body, 'session'))
      return 'Session terminée.'
    }),
  )

  // The admin API: the first owner comes from here (or the CLI).
  app.get('/admin/api/users', ownerOnly, async (request) => ({ users: await listUsers(accountContext(app, request)) }))

  app.post('/admin/api/users', ownerOnly, async (request, reply) => {
    const user = await createUser(accountContext(app, request), bodyOf(request.body))
    return reply.code(201).send({ id: user.id })
  })

  app.patch<{ Params: { id: string } }>('/admin/api/users/:id', ownerOnly, async (request) => {
    const { id } = idParams.parse(request.params)
    const body = patchSchema.parse(bodyOf(request.body))
    const ctx = accountContext(app, request)
    if (body.role !== undefined) await changeRole(ctx, id, body.role)
    if (body.disabled !== undefined) await setDisabled(ctx, id, body.disabled)
    if (body.password !== undefined) await setPassword(ctx, id, body.password)
    return userById(ctx, id)
  })
}

const patchSchema = z.strictObject({ role: z.string().optional(), disabled: z.boolean().optional(), password: z.string().optional() })
