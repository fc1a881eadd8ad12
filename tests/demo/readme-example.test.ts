// The README's "First steps" run as written, through the CLI, on a database
// `npm run demo` filled (both databases): no 409 from names the demo already
// uses, and the tracked link, the click and the test postback all land on the
// README's own partner and offer, never on a demo one.
import { execFile } from 'node:child_process'
import { readFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { projectRoot } from '../../src/db/schema-source.ts'
import { generateDemoData } from '../../src/demo/demo-data.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp, TEST_ADMIN_SECRET } from '../helpers/app.ts'

const run = promisify(execFile)
const TSX = import.meta.resolve('tsx')

/** The README's "First steps" commands, as argument lists (quotes and <placeholders> kept whole, comments dropped). */
function readmeFirstSteps(): string[][] {
  const readme = readFileSync(path.join(projectRoot, 'README.md'), 'utf8')
  const section = readme.slice(readme.indexOf('## First steps'))
  const block = /```sh\n([\s\S]*?)```/.exec(section)![1]!
  return block
    .split('\n')
    .map((line) => line.replace(/\s+#.*$/, '').trim())
    .filter((line) => line.startsWith('npm run cli -- '))
    .map((line) => [...line.slice('npm run cli -- '.length).matchAll(/"([^"]*)"|(<[^>]*>|\S+)/g)].map((m) => m[1] ?? m[2]!))
}

describeEachDatabase('the README example after npm run demo', (t) => {
  let app: FastifyInstance
  let baseUrl = ''

  const cli = async (args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, ['--import', TSX, path.join(projectRoot, 'src/cli/index.ts'), ...args], {
        cwd: os.tmpdir(),
        env: { PATH: process.env.PATH, DATABASE_URL: t().url, ADMIN_SECRET: TEST_ADMIN_SECRET, NODE_ENV: 'test', PUBLIC_BASE_URL: baseUrl },
      })
      return { code: 0, out: `${stdout}${stderr}` }
    } catch (err) {
      const e = err as { code: number; stdout: string; stderr: string }
      return { code: e.code, out: `${e.stdout}${e.stderr}` }
    }
  }

  beforeAll(async () => {
    // The demo's data set (a short one: its names do not depend on the number of days).
    await generateDemoData(t().database, { days: 3 })
    app = await buildTestApp(t())
    await app.listen({ host: '127.0.0.1', port: 0 })
    baseUrl = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`
  }, 120_000)
  afterAll(async () => app?.close())

  it('runs every command without a refusal, on the README own partner and offer', async () => {
    const steps = readmeFirstSteps()
    expect(
      steps.map((s) =>
        s
          .slice(0, 2)
          .filter((a) => !a.startsWith('--'))
          .join(' '),
      ),
    ).toEqual(['users add', 'networks add', 'offers add', 'partners add', 'assignments add', 'postback:test'])
    const printed: Record<string, string> = {}
    let link = ''
    for (const step of steps) {
      const args = step.map((a) => a.replace(/^<(partner|offer) id>$/, (_m, what: string) => printed[what] ?? a))
      if (args[0] === 'postback:test') {
        // The README's note: the link was opened once.
        const visit = await fetch(link, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 Firefox/131.0' } })
        expect(visit.status).toBe(302)
        await new Promise((r) => setTimeout(r, 200))
      }
      const result = await cli(args)
      expect(result.code, `${args.join(' ')}\n${result.out}`).toBe(0)
      expect(result.out).not.toMatch(/409|already exists|existe déjà/)
      const id = /^id\s+(\d+)$/m.exec(result.out)?.[1]
      if (args[0] === 'partners' && id) printed.partner = id
      if (args[0] === 'offers' && id) printed.offer = id
      link = /(http:\/\/\S+\/r\/\S+)/.exec(result.out)?.[1] ?? link
    }
    const { db } = t()
    const partner = await db.partner.findUniqueOrThrow({ where: { id: Number(printed.partner) } })
    const offer = await db.offer.findUniqueOrThrow({ where: { id: Number(printed.offer) }, include: { network: true } })
    expect(partner.name).toBe('My first partner')
    expect(offer.name).toBe('My first offer')
    expect(offer.network.slug).toBe('my-network')
    // The test postback booked its conversion for the README's partner, from its own network.
    const entry = await db.walletEntry.findFirstOrThrow({ where: { networkId: offer.networkId }, orderBy: { id: 'desc' } })
    expect(entry.partnerId).toBe(partner.id)
  }, 180_000)
})
