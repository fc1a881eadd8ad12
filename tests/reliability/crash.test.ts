// kill -9 under load, restart: every click answered 302 and every postback
// answered 200 is in the database, no entry is half-written, and postbacks sent
// again after the restart stay duplicates. Then the same with SIGTERM (graceful).
import { afterAll, beforeAll, expect, it } from 'vitest'
import { describe, inject } from 'vitest'
import { createScratchDatabase, type ScratchDatabase } from '../../src/db/scratch-database.ts'
import { openDatabase, type Database } from '../../src/db/client.ts'
import { startServer, type ServerProcess } from '../helpers/server-process.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'
import { startTraffic, type Acknowledged } from '../helpers/traffic.ts'
import { providers } from '../helpers/databases.ts'

const ADMIN_SECRET = 'reliability-admin-secret-0123456789'

for (const provider of providers) {
  describe.skipIf(provider === 'postgresql' && !inject('postgresAvailable'))(`nothing acknowledged is lost [${provider}]`, () => {
    let scratch: ScratchDatabase
    let env: Record<string, string>
    let link: BenchLink
    let server: ServerProcess
    let database: Database

    beforeAll(async () => {
      scratch = await createScratchDatabase(provider)
      env = { NODE_ENV: 'production', ADMIN_SECRET, DATABASE_URL: scratch.url, LOG_LEVEL: 'warn' }
      server = await startServer(env)
      link = await onboardBenchLink(server.baseUrl, ADMIN_SECRET)
    })
    afterAll(async () => {
      server?.child.kill('SIGKILL')
      await database?.close()
      await scratch?.drop()
    })

    async function verify(ack: Acknowledged, label: string) {
      database ??= await openDatabase(scratch.url, { poolSize: 2 })
      const db = database.prisma
      const found = await db.metricEvent.count({ where: { clickId: { in: ack.clicks } } })
      const txns = [...ack.postbacks.keys()]
      const entries = await db.walletEntry.findMany({ where: { txnId: { in: txns } }, include: { history: true } })
      console.log(
        `${provider} ${label}: acknowledged clicks ${ack.clicks.length}, found after restart ${found}; ` +
          `acknowledged postbacks ${txns.length}, found ${entries.length}`,
      )
      expect(ack.clicks.length).toBeGreaterThan(50)
      expect(txns.length).toBeGreaterThan(10)
      expect(found).toBe(ack.clicks.length)
      expect(entries.length).toBe(txns.length)
      // whole entries only: status, amount and their first history line
      for (const e of entries) {
        expect(e.status).toBe('confirmed')
        expect(e.amountCents).toBe(1250)
        expect(e.history.length).toBeGreaterThanOrEqual(1)
      }
      return txns
    }

    async function resendAreDuplicates(txns: string[]) {
      const sample = txns.slice(0, 25)
      for (const txn of sample) {
        const url = new URL(link.postbackUrl)
        url.host = new URL(server.baseUrl).host
        url.searchParams.set('txn_id', txn)
        const res = await fetch(url)
        expect(res.status).toBe(200)
        expect(await res.text()).toBe('DUPLICATE')
      }
      expect(await database.prisma.walletEntry.count({ where: { txnId: { in: sample } } })).toBe(sample.length)
    }

    it('kill -9 mid-flight loses nothing that was acknowledged', async () => {
      const traffic = startTraffic({ baseUrl: server.baseUrl, link, workers: 16, maxMs: 20_000, txnPrefix: 'kill' })
      await new Promise((r) => setTimeout(r, 2_500))
      server.child.kill('SIGKILL')
      await server.exited
      traffic.stop()
      const ack = await traffic.done
      server = await startServer(env)
      const txns = await verify(ack, 'kill -9')
      await resendAreDuplicates(txns)
    })

    it('SIGTERM finishes in-flight requests and flushes the click batch before exiting', async () => {
      const traffic = startTraffic({ baseUrl: server.baseUrl, link, workers: 16, maxMs: 20_000, txnPrefix: 'term' })
      await new Promise((r) => setTimeout(r, 2_500))
      server.child.kill('SIGTERM')
      expect(await server.exited).toBe(0)
      traffic.stop()
      const ack = await traffic.done
      server = await startServer(env)
      await verify(ack, 'SIGTERM')
    })
  })
}
