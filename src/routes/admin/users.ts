// /admin/users — owners manage the people who sign in: create, change role,
// disable or enable, reset a password, see and revoke live sessions. Every route
// here is owner-only (the console's role hook reads the marker).
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { ROLE_LABELS, ROLES } from '../../accounts/roles.ts'
import { liveSessionsOf } from '../../accounts/sessions.ts'
import { auditOfUser, changeRole, createUser, listUsers, revokeSession, setDisabled, setPassword, userById } from '../../accounts/users.ts'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { accountContext, idForm, idOf, idParams } from '../../console/context.ts'
import { userAuditLine } from '../../console/user-audit.ts'

const ownerOnly = { config: { ownerOnly: true } }
const ownerOnlyForm = { ...ownerOnly, ...idForm }

const userPages: FastifyPluginAsyncZod = async (app) => {
  const policy = { maxMs: app.config.sessionMaxMs, idleMs: app.config.sessionIdleMs }
  const userPage = (request: { params: unknown }) => `/admin/users/${idOf(request.params)}`

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

  app.get('/users/:id', { ...ownerOnly, schema: { params: idParams } }, async (request, reply) => {
    const { id } = request.params
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
      audit: audit.map(userAuditLine),
      roles: ROLES,
      roleLabels: ROLE_LABELS,
      currentSession: request.account?.session?.id ?? null,
    })
  })

  app.post('/users', ownerOnly, async (request, reply) =>
    answerForm(request, reply, '/admin/users', async () => {
      const b = request.body
      const user = await createUser(accountContext(app, request), {
        email: field(b, 'email'),
        name: field(b, 'name'),
        role: field(b, 'role'),
        password: field(b, 'password'),
      })
      return `Compte créé : ${user.email} (${ROLE_LABELS[user.role as keyof typeof ROLE_LABELS]}).`
    }),
  )

  app.post('/users/:id/role', ownerOnlyForm, async (request, reply) =>
    answerForm(request, reply, userPage(request), async () => {
      const { id } = request.params
      const user = await changeRole(accountContext(app, request), id, field(request.body, 'role'))
      return `${user.email} : rôle ${ROLE_LABELS[user.role as keyof typeof ROLE_LABELS]}.`
    }),
  )

  app.post('/users/:id/disable', ownerOnlyForm, async (request, reply) =>
    answerForm(request, reply, userPage(request), async () => {
      const { id } = request.params
      const user = await setDisabled(accountContext(app, request), id, true)
      return `${user.email} désactivé : ses sessions sont terminées.`
    }),
  )

  app.post('/users/:id/enable', ownerOnlyForm, async (request, reply) =>
    answerForm(request, reply, userPage(request), async () => {
      const { id } = request.params
      const user = await setDisabled(accountContext(app, request), id, false)
      return `${user.email} réactivé.`
    }),
  )

  app.post('/users/:id/password', ownerOnlyForm, async (request, reply) =>
    answerForm(request, reply, userPage(request), async () => {
      const { id } = request.params
      const user = await setPassword(accountContext(app, request), id, field(request.body, 'password'))
      return `Mot de passe de ${user.email} remplacé : ses sessions sont terminées.`
    }),
  )

  app.post('/users/:id/sessions/revoke', ownerOnlyForm, async (request, reply) =>
    answerForm(request, reply, userPage(request), async () => {
      const { id } = request.params
      await revokeSession(accountContext(app, request), id, field(request.body, 'session'))
      return 'Session terminée.'
    }),
  )
}

export default userPages
