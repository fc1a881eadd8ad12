// `npm run cli -- users …` as an operator runs it, off a terminal (a child
// process on the same database): the first owner gets a generated password,
// printed once, that signs in; refusals are one line and a non-zero exit.
import { execFile } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { projectRoot } from '../../src/db/schema-source.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

const run = promisify(execFile)
const TSX = import.meta.resolve('tsx')

describeEachDatabase('users CLI', (t) => {
  let app: FastifyInstance

  const cli = async (...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', TSX, path.join(projectRoot, 'src/cli/index.ts'), ...args], {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH, DATABASE_URL: t().url, ADMIN_SECRET: TEST_ADMIN_SECRET, NODE_ENV: 'test' },
      })
      return { code: 0, out: stdout, err: stderr }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: e.stdout, err: e.stderr }
    }
  }

  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  it('adds the first owner with a generated password that signs in, and refuses a second account for the email', async () => {
    // A fresh install's login page says how to make the first account.
    expect((await app.inject({ url: '/login' })).body).toContain('npm run cli -- users add')
    const added = await cli('users', 'add', '--email', 'First.Owner@Test.Example', '--name', 'Première', '--role', 'owner')
    expect(added.code, added.err).toBe(0)
    const password = /^password +(\S+)/m.exec(added.out)?.[1]
    expect(password).toMatch(/^[A-Za-z0-9_-]{24}$/)
    expect(added.out).toMatch(/^email +first\.owner@test\.example$/m)
    const s = new ConsoleSession(app)
    expect((await s.signIn('first.owner@test.example', password!)).statusCode).toBe(303)
    expect((await s.get('/admin/users')).statusCode).toBe(200)
    expect((await app.inject({ url: '/login' })).body).not.toContain('npm run cli -- users add')
    const again = await cli('users', 'add', '--email', 'first.owner@test.example', '--name', 'Deux', '--role', 'ops')
    expect(again.code).toBe(1)
    expect(again.err.trim()).toBe('un compte existe déjà pour first.owner@test.example')
    const bad = await cli('users', 'add', '--email', 'x@test.example', '--name', 'X', '--role', 'root')
    expect(bad.code).toBe(1)
    expect(bad.err).toContain('rôle : owner, ops ou viewer')
    expect((await cli('users', 'add', '--email', 'x@test.example')).code).toBe(2)
    // The audit says the CLI made it.
    expect((await t().db.auditLog.findFirstOrThrow({ where: { action: 'user.create' } })).actor).toBe('cli')
  })

  it('resets a password (ending the sessions) and disables an account', async () => {
    const s = new ConsoleSession(app)
    await s.login({ role: 'ops' })
    const reset = await cli('users', 'password', '--email', s.account!.email)
    expect(reset.code, reset.err).toBe(0)
    expect((await s.get('/admin/monitoring')).statusCode).toBe(302)
    const password = /^password +(\S+)/m.exec(reset.out)?.[1]
    expect((await s.signIn(s.account!.email, password!)).statusCode).toBe(303)
    expect((await cli('users', 'disable', '--email', s.account!.email)).code).toBe(0)
    expect((await s.get('/admin/monitoring')).statusCode).toBe(302)
    const list = await cli('users', 'list')
    expect(list.out).toContain(s.account!.email)
    expect((await cli('users', 'disable', '--email', 'ghost@test.example')).err.trim()).toBe('aucun compte pour ghost@test.example')
  })
})
