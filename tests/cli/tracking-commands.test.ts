// The operator's commands as an operator runs them (a child process on the same
// database): onboarding, postback:test against a running server (the sketch's
// "Vérif" step), postbacks:replay.
import { execFile } from 'node:child_process'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { projectRoot } from '../../src/db/schema-source.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp, TEST_ADMIN_SECRET } from '../helpers/app.ts'

const run = promisify(execFile)
// tsx resolved from the project, so the commands can run from a neutral directory (no .env there).
const TSX = import.meta.resolve('tsx')

describeEachDatabase('tracking CLI', (t) => {
  let app: FastifyInstance
  let baseUrl = ''

  const cli = async (...args: string[]) => {
    try {
      const { stdout } = await run(process.execPath, ['--import', TSX, path.join(projectRoot, 'src/cli/index.ts'), ...args], {
        cwd: os.tmpdir(),
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t().url,
          ADMIN_SECRET: TEST_ADMIN_SECRET,
          NODE_ENV: 'test',
          FX_RATES: 'USD=0.92',
          PUBLIC_BASE_URL: baseUrl,
        },
      })
      return { code: 0, out: stdout }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: `${e.stdout}${e.stderr}` }
    }
  }

  beforeAll(async () => {
    app = await buildTestApp(t())
    await app.listen({ host: '127.0.0.1', port: 0 })
    baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  })
  afterAll(async () => app.close())

  it('onboards through the CLI, then postback:test fires at the running server and prints the answer', async () => {
    const added = await cli('networks', 'add', '--slug', 'clinet', '--name', 'CLI net', '--preset', 'tune')
    expect(added.code, added.out).toBe(0)
    expect(added.out).toContain(
      `${baseUrl}/aff/postback?subid={aff_sub}&amount={payout}&status=approved&txn_id={transaction_id}&network=clinet&token=`,
    )
    expect((await cli('offers', 'add', '--network', 'clinet', '--name', 'O', '--url', 'https://adv.example/?affid=1')).code).toBe(0)
    expect((await cli('partners', 'add', '--name', 'Léa')).code).toBe(0)
    const partner = await t().db.partner.findFirstOrThrow({ where: { name: 'Léa' } })
    const offer = await t().db.offer.findFirstOrThrow({ where: { name: 'O' } })
    const assignment = await cli('assignments', 'add', '--partner', String(partner.id), '--offer', String(offer.id), '--status', 'posted')
    const code = /code\s+(\S+)/.exec(assignment.out)![1]!
    expect(assignment.out).toContain(`${baseUrl}/r/${code}`)

    // No click yet: postback:test says what to do.
    const early = await cli('postback:test', '--network', 'clinet', '--server', baseUrl)
    expect(early.code).toBe(1)
    expect(early.out).toMatch(/no click yet/)

    expect(
      (await fetch(`${baseUrl}/r/${code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Firefox/131.0' } })).status,
    ).toBe(302)
    const fired = await cli(
      'postback:test',
      '--network',
      'clinet',
      '--server',
      baseUrl,
      '--txn',
      'CLI-1',
      '--amount',
      '2,50',
      '--status',
      'approved',
    )
    expect(fired.code, fired.out).toBe(0)
    expect(fired.out).toContain('→ 200 OK')
    expect(fired.out).toContain('token=***')
    const again = await cli(
      'postback:test',
      '--network',
      'clinet',
      '--server',
      baseUrl,
      '--txn',
      'CLI-1',
      '--amount',
      '2,50',
      '--status',
      'approved',
      '--post',
    )
    expect(again.out).toContain('→ 200 DUPLICATE')
    const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'CLI-1' } })
    expect([entry.partnerId, entry.amountCents, entry.status, entry.flag]).toEqual([partner.id, 250, 'confirmed', null])
  })

  it('postbacks:replay applies what was rejected once the cause is fixed', async () => {
    const bad = await cli(
      'postback:test',
      '--network',
      'clinet',
      '--server',
      baseUrl,
      '--txn',
      'CLI-2',
      '--amount',
      '10',
      '--currency',
      'NOK',
    )
    expect(bad.code).toBe(1)
    expect(bad.out).toContain('→ 400 ERROR unknown currency NOK (no rate in FX_RATES)')
    const dry = await cli('postbacks:replay', '--dry-run')
    expect(dry.out).toMatch(/rejected\s+\(dry run\)/)
    // The operator adds NOK to FX_RATES, then replays.
    const replay = await promisify(execFile)(
      process.execPath,
      ['--import', TSX, path.join(projectRoot, 'src/cli/index.ts'), 'postbacks:replay'],
      {
        cwd: os.tmpdir(),
        env: {
          PATH: process.env.PATH,
          DATABASE_URL: t().url,
          ADMIN_SECRET: TEST_ADMIN_SECRET,
          NODE_ENV: 'test',
          FX_RATES: 'USD=0.92,NOK=0.085',
        },
      },
    )
    expect(replay.stdout).toMatch(/rejected\s+accepted\s+200/)
    expect(replay.stdout).toContain('1 now applied')
    expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'CLI-2' } })).amountCents).toBe(85)
    expect((await cli('postbacks:replay')).out).toContain('0 log line(s) considered')
  })

  it('explains a refusal in one line', async () => {
    const res = await cli('networks', 'add', '--slug', 'clinet', '--name', 'Again')
    expect([res.code, res.out.trim()]).toEqual([1, 'network "clinet" already exists'])
    const usage = await cli('offers', 'pause')
    expect(usage.code).toBe(2)
    expect(usage.out).toMatch(/usage: offers list/)
  })
})
