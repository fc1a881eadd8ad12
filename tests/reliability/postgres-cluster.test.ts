// Several stateless instances on one PostgreSQL, and PostgreSQL going away:
// idempotency holds across instances, and service resumes by itself.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'
import { startProxy, type CuttableProxy } from '../helpers/tcp-proxy.ts'

const ADMIN_SECRET = 'reliability-admin-secret-0123456789'
const postbackAt = (baseUrl: string, link: BenchLink, txn: string) => {
  const url = new URL(link.postbackUrl)
  url.host = new URL(baseUrl).host
  url.searchParams.set('txn_id', txn)
  return url
}

describe.skipIf(!inject('postgresAvailable'))('two instances on one PostgreSQL', () => {
  let scratch: ScratchDatabase
  let a: ServerProcess
  let b: ServerProcess
  let link: BenchLink
  let database: Database

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    const env = { NODE_ENV: 'production', ADMIN_SECRET, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }
    a = await startServer(env)
    b = await startServer({ ...env, AUTO_MIGRATE: 'false' })
    link = await onboardBenchLink(a.baseUrl, ADMIN_SECRET)
    database = await openDatabase(scratch.url, { poolSize: 2 })
  })
  afterAll(async () => {
    a?.child.kill('SIGKILL')
    b?.child.kill('SIGKILL')
    await database?.close()
    await scratch?.drop()
  })

  it('the same postback fired at both at once, many times, makes exactly one entry', async () => {
    const rounds = 10
    const perInstance = 15
    const answers: string[] = []
    for (let r = 0; r < rounds; r++) {
      const txn = `race-${r}`
      const all = await Promise.all(
        [a, b].flatMap((s) => Array.from({ length: perInstance }, () => fetch(postbackAt(s.baseUrl, link, txn)).then(async (res) => `${res.status} ${await res.text()}`))),
      )
      answers.push(...all)
      expect(all.filter((x) => x === '200 OK')).toHaveLength(1)
      expect(all.filter((x) => x === '200 DUPLICATE')).toHaveLength(2 * perInstance - 1)
    }
    const entries = await database.prisma.walletEntry.count({ where: { txnId: { startsWith: 'race-' } } })
    console.log(`racing duplicates: ${answers.length} postbacks over ${rounds} txn ids on 2 instances → ${entries} entries`)
    expect(entries).toBe(rounds)
  })

  it('clicks through both instances all land, and both dashboards agree with the database', async () => {
    const before = await database.prisma.metricEvent.count({ where: { kind: 'click' } })
    const clicks = await Promise.all(
      [a, b].flatMap((s) => Array.from({ length: 60 }, () => fetch(`${s.baseUrl}/r/${link.code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0' } }).then((r) => r.status))),
    )
    expect(clicks.every((s) => s === 302)).toBe(true)
    const after = await database.prisma.metricEvent.count({ where: { kind: 'click' } })
    expect(after - before).toBe(120)
    for (const s of [a, b]) {
      const res = await fetch(`${s.baseUrl}/admin/monitoring.json`, { headers: { 'x-admin-secret': ADMIN_SECRET } })
      expect(res.status).toBe(200)
      const summary = (await res.json()) as { clicks_7d: number; conv_7d: number }
      expect(summary.clicks_7d).toBe(after)
      expect(summary.conv_7d).toBe(await database.prisma.walletEntry.count({ where: { type: 'conversion', status: 'confirmed' } }))
    }
  })
})

describe.skipIf(!inject('postgresAvailable'))('PostgreSQL unavailable mid-run', () => {
  let scratch: ScratchDatabase
  let proxy: CuttableProxy
  let server: ServerProcess
  let link: BenchLink

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    const real = new URL(scratch.url)
    proxy = await startProxy(real.hostname, Number(real.port || 5432))
    const viaProxy = new URL(scratch.url)
    viaProxy.port = String(proxy.port)
    server = await startServer({ NODE_ENV: 'production', ADMIN_SECRET, DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'warn' })
    link = await onboardBenchLink(server.baseUrl, ADMIN_SECRET)
  })
  afterAll(async () => {
    server?.child.kill('SIGKILL')
    await proxy?.close()
    await scratch?.drop()
  })

  it('answers 5xx to postbacks (the network retries), 503 on /readyz, still redirects, and recovers by itself', async () => {
    expect((await fetch(postbackAt(server.baseUrl, link, 'before-outage'))).status).toBe(200)
    await proxy.cut()

    const during = await fetch(postbackAt(server.baseUrl, link, 'during-outage'))
    expect(during.status).toBeGreaterThanOrEqual(500)
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503)
    // the visitor is still redirected (the click may be lost: logged and counted)
    const click = await fetch(`${server.baseUrl}/r/${link.code}`, { redirect: 'manual' })
    expect(click.status).toBe(302)
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200)

    await proxy.restore()
    const deadline = Date.now() + 30_000
    let ready = 0
    while (Date.now() < deadline && ready !== 200) {
      ready = (await fetch(`${server.baseUrl}/readyz`)).status
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    expect(ready).toBe(200)
    // the network's retry of the failed postback is applied once
    const retry = await fetch(postbackAt(server.baseUrl, link, 'during-outage'))
    expect(retry.status).toBe(200)
    expect(await retry.text()).toBe('OK')
    const again = await fetch(postbackAt(server.baseUrl, link, 'during-outage'))
    expect(await again.text()).toBe('DUPLICATE')
  })
})
