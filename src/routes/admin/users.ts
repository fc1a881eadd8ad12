// /admin/users — owners manage the people who sign in: create, change role,
// disable or enable, reset a password, see and revoke live sessions. Every route
// here is owner-only (the console's role hook reads the marker).
import type { FastifyInstance } from 'fastify'
import { ROLE_LABELS, ROLES } from '../../accounts/roles.ts'
import { liveSessionsOf } from '../../accounts/sessions.ts'
import { auditOfUser, changeRole, createUser, listUsers, revokeSession, setDisabled, setPassword, userById } from '../../accounts/users.ts'
import { field, formAction, renderPage } from '../../console/page.ts'
import { accountContext, idParams } from '../../console/context.ts'

const ownerOnly = { config: { ownerOnly: true } }

export default async function userPages(app: FastifyInstance) {
  const policy = { maxMs: app.config.sessionMaxMs, idleMs: app.config.sessionIdleMs }
  const userPage = (request: { params: unknown }) => `/admin/users/${idParams.safeParse(request.params).data?.id ?? ''}`

  app.get('/users', ownerOnly, async (request, reply) => {
    const users = await listUsers(accountContext(app, request))
    return renderPage(request, reply, 'users', {
      title: 'Utilisateurs — ContentFlow',
      nav: 'users',
      users,
      roles: ROLES,
      roleLabels: ROLE_LABELS,
    })
  })

  app.get<{ Params: { id: string } }>('/users/:id', ownerOnly, async (request, reply) => {
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
    '/users',
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
    '/users/:id/role',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await changeRole(accountContext(app, request), id, field(request.body, 'role'))
      return `${user.email} : rôle ${ROLE_LABELS[user.role as keyof typeof ROLE_LABELS]}.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/users/:id/disable',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setDisabled(accountContext(app, request), id, true)
      return `${user.email} désactivé : ses sessions sont terminées.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/users/:id/enable',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setDisabled(accountContext(app, request), id, false)
      return `${user.email} réactivé.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/users/:id/password',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      const user = await setPassword(accountContext(app, request), id, field(request.body, 'password'))
      return `Mot de passe de ${user.email} remplacé : ses sessions sont terminées.`
    }),
  )

  app.post<{ Params: { id: string }; Body: Record<string, unknown> }>(
    '/users/:id/sessions/revoke',
    ownerOnly,
    formAction(userPage, async (request) => {
      const { id } = idParams.parse(request.params)
      await revokeSession(accountContext(app, request), id, field(request.body, 'session'))
      return 'Session terminée.'
    }),
  )
}
