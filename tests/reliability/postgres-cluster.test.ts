// Several stateless instances on one PostgreSQL, and PostgreSQL going away:
// idempotency holds across instances, service resumes by itself, and a stalled
// PostgreSQL does not stall the redirect.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'
import { startProxy, type CuttableProxy } from '../helpers/tcp-proxy.ts'
import { integrityProblems } from '../helpers/integrity.ts'
import { report } from '../helpers/report.ts'
import pg from 'pg'

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
    const rounds = 20
    const perInstance = 15
    for (let r = 0; r < rounds; r++) {
      const txn = `race-${r}`
      const all = await Promise.all(
        [a, b].flatMap((s) =>
          Array.from({ length: perInstance }, () =>
            fetch(postbackAt(s.baseUrl, link, txn)).then(async (res) => `${res.status} ${await res.text()}`),
          ),
        ),
      )
      expect(all.filter((x) => x === '200 OK')).toHaveLength(1)
      expect(all.filter((x) => x === '200 DUPLICATE')).toHaveLength(2 * perInstance - 1)
    }
    const db = database.prisma
    const perTxn = await db.walletEntry.groupBy({ by: ['txnId'], where: { txnId: { startsWith: 'race-' } }, _count: { _all: true } })
    const histories = await db.walletEntryHistory.count({ where: { entry: { txnId: { startsWith: 'race-' } } } })
    // every request is in the log, with its own verdict
    const logged = await db.postbackLog.groupBy({
      by: ['outcome'],
      where: { rawQuery: { contains: 'txn_id=race-' } },
      _count: { _all: true },
    })
    const outcomes = Object.fromEntries(logged.map((l) => [l.outcome, l._count._all]))
    const maxPerTxn = Math.max(...perTxn.map((t) => t._count._all))
    report(
      `racing duplicates per txn id: ${2 * perInstance} (2 instances at once, ${rounds} txn ids), entries per txn id: ${maxPerTxn} (${perTxn.length} entries in all)`,
    )
    expect(perTxn).toHaveLength(rounds)
    expect(maxPerTxn).toBe(1)
    expect(histories).toBe(rounds)
    expect(outcomes).toEqual({ accepted: rounds, duplicate: rounds * (2 * perInstance - 1) })
  })

  it('clicks through both instances all land, and both dashboards agree with the database', async () => {
    const db = database.prisma
    const before = await db.metricEvent.count({ where: { kind: 'click' } })
    const clicks = await Promise.all(
      [a, b].flatMap((s) =>
        Array.from({ length: 60 }, () =>
          fetch(`${s.baseUrl}/r/${link.code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0' } }).then((r) => r.status),
        ),
      ),
    )
    expect(clicks.every((s) => s === 302)).toBe(true)
    const after = await db.metricEvent.count({ where: { kind: 'click' } })
    report(`clicks through 2 instances: ${clicks.length} answered 302, ${after - before} found`)
    expect(after - before).toBe(120)
    // the sketch's definitions, read straight from the rows (everything here is recent)
    const weekAgo = new Date(Date.now() - 7 * 86_400_000)
    const confirmed = await db.walletEntry.aggregate({
      where: { type: 'conversion', status: 'confirmed', createdAt: { gte: weekAgo } },
      _count: { _all: true },
      _sum: { amountCents: true },
    })
    const expected = {
      clicks_7d: after,
      conv_7d: confirmed._count._all,
      rev_7d: Number(confirmed._sum.amountCents ?? 0) / 100,
      postbacks_24h: await db.walletEntry.count({ where: { type: 'conversion', createdAt: { gte: new Date(Date.now() - 86_400_000) } } }),
      partners_active: (
        await db.metricEvent.findMany({
          where: { kind: 'click', ts: { gte: weekAgo } },
          distinct: ['partnerId'],
          select: { partnerId: true },
        })
      ).length,
      posted: await db.assignment.count({ where: { status: 'posted' } }),
    }
    expect(expected.conv_7d).toBeGreaterThan(0) // figures compared are not all zeros
    for (const s of [a, b]) {
      const res = await fetch(`${s.baseUrl}/admin/monitoring.json`, { headers: { 'x-admin-secret': ADMIN_SECRET } })
      expect(res.status).toBe(200)
      const summary = (await res.json()) as Record<string, unknown>
      expect(Object.fromEntries(Object.keys(expected).map((k) => [k, summary[k]]))).toEqual(expected)
    }
  })
})

describe.skipIf(!inject('postgresAvailable'))('PostgreSQL unavailable mid-run', () => {
  let scratch: ScratchDatabase
  let proxy: CuttableProxy
  let server: ServerProcess
  let link: BenchLink
  let database: Database

  beforeAll(async () => {
    scratch = await createScratchDatabase('postgresql')
    const real = new URL(scratch.url)
    proxy = await startProxy(real.hostname, Number(real.port || 5432))
    const viaProxy = new URL(scratch.url)
    viaProxy.port = String(proxy.port)
    server = await startServer({ NODE_ENV: 'production', ADMIN_SECRET, DATABASE_URL: viaProxy.toString(), LOG_LEVEL: 'warn' })
    link = await onboardBenchLink(server.baseUrl, ADMIN_SECRET)
    database = await openDatabase(scratch.url, { poolSize: 2 }) // direct, not through the proxy
  })
  afterAll(async () => {
    server?.child.kill('SIGKILL')
    await database?.close()
    await proxy?.close()
    await scratch?.drop()
  })

  const send = async (txn: string) => {
    const res = await fetch(postbackAt(server.baseUrl, link, txn))
    return `${res.status} ${await res.text()}`
  }
  const logOutcomes = async (txn: string) =>
    (await database.prisma.postbackLog.findMany({ where: { rawQuery: { contains: `txn_id=${txn}` } }, orderBy: { id: 'asc' } }))
      .filter((l) => new URLSearchParams(l.rawQuery).get('txn_id') === txn)
      .map((l) => l.outcome)
  const entryOf = (txn: string) => database.prisma.walletEntry.findMany({ where: { txnId: txn }, include: { history: true } })

  it('answers 503 to postbacks (the network retries), 503 on /readyz, still redirects, and recovers by itself', async () => {
    const pid = server.child.pid
    expect(await send('before-outage')).toBe('200 OK')
    await proxy.cut()

    // the log line cannot be written either: refused cleanly, nothing half-done
    expect(await send('during-outage')).toBe('503 ERROR temporarily unavailable, retry later')
    expect((await fetch(`${server.baseUrl}/readyz`)).status).toBe(503)
    // the visitor is still redirected (the click may be lost: logged and counted)
    const click = await fetch(`${server.baseUrl}/r/${link.code}`, { redirect: 'manual' })
    expect(click.status).toBe(302)
    expect((await fetch(`${server.baseUrl}/healthz`)).status).toBe(200)

    await proxy.restore()
    const restored = Date.now()
    let ready = 0
    while (Date.now() < restored + 30_000 && ready !== 200) {
      ready = (await fetch(`${server.baseUrl}/readyz`)).status
      if (ready !== 200) await new Promise((r) => setTimeout(r, 250))
    }
    report(
      `database outage: postback answered 503, /readyz 503; ready again ${Date.now() - restored} ms after the database returned, same process: ${server.child.pid === pid && server.child.exitCode === null}`,
    )
    expect(ready).toBe(200)
    expect(server.child.exitCode).toBeNull() // no restart
    // the network's retry of the failed postback is applied once
    expect(await send('during-outage')).toBe('200 OK')
    expect(await send('during-outage')).toBe('200 DUPLICATE')
    const [entry, ...more] = await entryOf('during-outage')
    expect(more).toEqual([])
    expect(entry!.history).toHaveLength(1)
    expect(await logOutcomes('during-outage')).toEqual(['accepted', 'duplicate'])
  })

  it('a connection lost in the middle of the ledger transaction: 5xx, the postback stays in the log, the retry applies once', async () => {
    // What a PostgreSQL shutdown does to a busy server: its backend is terminated
    // mid-transaction (57P01). Here only the ledger insert of one txn id is hit,
    // after its log line was committed.
    const db = database.prisma
    await db.$executeRawUnsafe(`CREATE FUNCTION die_mid_ledger() RETURNS trigger AS $$
      BEGIN PERFORM pg_terminate_backend(pg_backend_pid()); RETURN NEW; END $$ LANGUAGE plpgsql`)
    await db.$executeRawUnsafe(`CREATE TRIGGER die_mid_ledger BEFORE INSERT ON wallet_entries
      FOR EACH ROW WHEN (NEW.txn_id = 'mid-transaction') EXECUTE FUNCTION die_mid_ledger()`)
    let first: string
    try {
      first = await send('mid-transaction')
    } finally {
      await db.$executeRawUnsafe('DROP TRIGGER die_mid_ledger ON wallet_entries')
      await db.$executeRawUnsafe('DROP FUNCTION die_mid_ledger()')
    }
    const logged = await logOutcomes('mid-transaction')
    report(
      `connection lost mid-ledger: postback answered ${first.split(' ')[0]}, log line outcome: ${logged.join(', ')}, entries: ${(await entryOf('mid-transaction')).length}`,
    )
    expect(first).toBe('503 ERROR temporarily unavailable, retry later') // the database, not a bug of ours
    expect(logged).toEqual(['error']) // in the log, with its fault: replayable
    expect(await entryOf('mid-transaction')).toEqual([]) // rolled back whole
    // other postbacks were not disturbed, and the retry is applied once
    expect(await send('after-mid-transaction')).toBe('200 OK')
    expect(await send('mid-transaction')).toBe('200 OK')
    expect(await send('mid-transaction')).toBe('200 DUPLICATE')
    const [entry, ...more] = await entryOf('mid-transaction')
    expect(more).toEqual([])
    expect(entry!.history).toHaveLength(1)
    expect(await integrityProblems(db)).toEqual([])
  })

  it('stalled rather than gone (the click table locked by another session): keeps redirecting without waiting for it, and writes every click once the lock is gone', async () => {
    const before = await database.prisma.metricEvent.count()
    // What a migration or a VACUUM FULL run by hand does to the click batch: it waits for the lock.
    const locker = new pg.Client({ connectionString: scratch.url })
    await locker.connect()
    await locker.query('BEGIN')
    await locker.query('LOCK TABLE metric_events IN EXCLUSIVE MODE')
    const statuses: number[] = []
    const started = Date.now()
    let slowest = 0
    let stalledFor: number
    try {
      for (let i = 0; i < 20; i++) {
        const sent = Date.now()
        const res = await fetch(`${server.baseUrl}/r/${link.code}`, { redirect: 'manual', signal: AbortSignal.timeout(10_000) })
        statuses.push(res.status)
        slowest = Math.max(slowest, Date.now() - sent)
      }
      expect(await database.prisma.metricEvent.count()).toBe(before) // nothing got past the lock
    } finally {
      stalledFor = Date.now() - started
      await locker.query('COMMIT')
      await locker.end()
    }
    expect(statuses).toEqual(Array(20).fill(302))
    await expect.poll(() => database.prisma.metricEvent.count(), { timeout: 15_000 }).toBe(before + 20)
    report(
      `click table locked: 20 redirects answered 302 in ${stalledFor} ms (slowest ${slowest} ms: the first, after the ack timeout); all 20 clicks written once the lock was released`,
    )
  })
})
