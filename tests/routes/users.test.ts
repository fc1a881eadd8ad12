// The owners' users page over HTTP (inject), on both databases: create an account
// from the form, change its role, disable and enable it, reset its password,
// see and revoke its sessions; every change audited with the owner's email; the
// last active owner cannot be demoted or disabled, nor can an owner lock itself out.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

describeEachDatabase('users page', (t) => {
  let app: FastifyInstance
  let owner: ConsoleSession

  beforeAll(async () => {
    app = await buildTestApp(t())
    owner = new ConsoleSession(app)
    await owner.login({ name: 'Propriétaire' })
  })
  afterAll(async () => app.close())

  const flashOf = async (url: string) =>
    /<div class="flash flash--(ok|error)"[^>]*>([^<]*)<\/div>/.exec((await owner.get(url)).body)?.slice(1, 3)

  it('creates an account from the form, lists it, and the new person signs in with its role', async () => {
    const res = await owner.submit('/admin/users', '/admin/users', {
      email: 'Nora@Test.Example',
      name: 'Nora <i>',
      role: 'viewer',
      password: 'the initial password',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/admin/users')
    expect(await flashOf('/admin/users')).toEqual(['ok', 'Compte créé : nora@test.example (lecture seule).'])
    const list = await owner.get('/admin/users')
    expect(list.body).toContain('Nora &lt;i&gt;')
    expect(list.body).toContain('nora@test.example')
    const nora = new ConsoleSession(app)
    expect((await nora.signIn('nora@test.example', 'the initial password')).statusCode).toBe(303)
    expect((await nora.get('/admin/monitoring')).body).toContain('(rôle : lecture seule)')
    // Refusals come back as a flash on the page.
    await owner.submit('/admin/users', '/admin/users', {
      email: 'nora@test.example',
      name: 'Encore',
      role: 'ops',
      password: 'the initial password',
    })
    expect(await flashOf('/admin/users')).toEqual(['error', 'un compte existe déjà pour nora@test.example'])
    await owner.submit('/admin/users', '/admin/users', { email: 'court@test.example', name: 'Court', role: 'ops', password: 'court' })
    expect((await flashOf('/admin/users'))?.[1]).toContain('12 caractères')
    const audit = await t().db.auditLog.findFirstOrThrow({ where: { action: 'user.create', detail: { contains: 'nora@test.example' } } })
    expect(audit.actor).toBe(owner.account!.email)
  })

  it("changes a role, disables, enables and resets a password from the account's page, each audited", async () => {
    const user = await t().db.user.findUniqueOrThrow({ where: { email: 'nora@test.example' } })
    const page = `/admin/users/${user.id}`
    expect((await owner.get(page)).body).toContain('Sessions actives (1)')
    await owner.submit(page, `${page}/role`, { role: 'ops' })
    expect(await flashOf(page)).toEqual(['ok', 'nora@test.example : rôle ops.'])
    await owner.submit(page, `${page}/disable`, {})
    expect((await owner.get(page)).body).toContain('Sessions actives (0)')
    await owner.submit(page, `${page}/enable`, {})
    await owner.submit(page, `${page}/password`, { password: 'a reset pass phrase' })
    expect((await t().db.user.findUniqueOrThrow({ where: { id: user.id } })).role).toBe('ops')
    const actions = await t().db.auditLog.findMany({ where: { subject: `user:${user.id}` }, orderBy: { id: 'asc' } })
    expect(actions.map((a) => a.action)).toEqual(['user.create', 'user.role', 'user.disable', 'user.enable', 'user.password'])
    expect(new Set(actions.map((a) => a.actor))).toEqual(new Set([owner.account!.email]))
    const journal = (await owner.get(page)).body
    expect(journal).toContain('<td>mot de passe réinitialisé</td>')
    // The audit keeps no password.
    expect(JSON.stringify(actions)).not.toContain('a reset pass phrase')
  })

  it('keeps an active owner: no self-demotion or self-disable, and the last owner stays one', async () => {
    const me = owner.account!
    const page = `/admin/users/${me.id}`
    await owner.submit(page, `${page}/disable`, {})
    expect(await flashOf(page)).toEqual(['error', 'vous ne pouvez pas désactiver votre propre compte'])
    await owner.submit(page, `${page}/role`, { role: 'viewer' })
    expect(await flashOf(page)).toEqual(['error', 'vous ne pouvez pas changer le rôle de votre propre compte'])
    // Through the API (no account of its own), the last active owner cannot go either.
    const owners = await t().db.user.findMany({ where: { role: 'owner', disabledAt: null } })
    expect(owners).toHaveLength(1)
    const demote = await app.inject({ method: 'PATCH', url: `/admin/api/users/${me.id}`, headers: adminHeaders, payload: { role: 'ops' } })
    expect(demote.statusCode).toBe(409)
    expect(demote.json().error).toBe('il doit rester au moins un propriétaire actif')
    expect(
      (await app.inject({ method: 'PATCH', url: `/admin/api/users/${me.id}`, headers: adminHeaders, payload: { disabled: true } }))
        .statusCode,
    ).toBe(409)
    expect(
      (await app.inject({ method: 'PATCH', url: '/admin/api/users/999999', headers: adminHeaders, payload: { role: 'ops' } })).statusCode,
    ).toBe(404)
    expect((await owner.get('/admin/monitoring')).statusCode).toBe(200)
  })

  it('lists the users through the API without their password hashes', async () => {
    const res = await app.inject({ url: '/admin/api/users', headers: adminHeaders })
    expect(res.statusCode).toBe(200)
    expect(res.body).not.toContain('scrypt')
    expect(res.json().users.length).toBeGreaterThanOrEqual(2)
  })
})
