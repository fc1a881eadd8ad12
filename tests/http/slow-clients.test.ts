// Slow clients cannot hold the server: written as the attack, against the real
// server on a port with short timeouts. Hundreds of connections that send their
// body (or their headers) a byte at a time are cut off once the timeout passes,
// an idle keep-alive connection is closed, and meanwhile the redirector keeps
// answering 302 quickly.
import net from 'node:net'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { buildApp } from '../../src/app.ts'
import { connectionBound, serverLimits } from '../../src/plugins/request-limits.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { TEST_ADMIN_SECRET, testConfig } from '../helpers/app.ts'
import { onboardBenchLink, type BenchLink } from '../helpers/onboard.ts'

const REQUEST_MS = 1_500
const HEADERS_MS = 1_000
const KEEP_ALIVE_MS = 1_000
const SLOW_CONNECTIONS = 300
const TRICKLE_MS = 200

interface SlowConnection {
  closedAfterMs: number | undefined
  answer: string
}

/** A connection that starts a request and then sends one more byte every TRICKLE_MS, forever. */
function slowConnection(port: number, head: string, trickle: string): Promise<SlowConnection> {
  return new Promise((resolve) => {
    const started = Date.now()
    const result: SlowConnection = { closedAfterMs: undefined, answer: '' }
    const socket = net.connect(port, '127.0.0.1', () => socket.write(head))
    const timer = setInterval(() => {
      if (socket.writable) socket.write(trickle)
    }, TRICKLE_MS)
    socket.on('data', (d) => (result.answer += String(d)))
    socket.on('error', () => {})
    socket.on('close', () => {
      clearInterval(timer)
      result.closedAfterMs = Date.now() - started
      resolve(result)
    })
    // The test's own bound: a connection still open by then has not been cut off.
    setTimeout(() => {
      clearInterval(timer)
      if (result.closedAfterMs === undefined) {
        socket.destroy()
        result.closedAfterMs = Number.POSITIVE_INFINITY
      }
      resolve(result)
    }, REQUEST_MS * 5).unref()
  })
}

describeEachDatabase('slow clients', (t) => {
  let app: FastifyInstance
  let port = 0
  let link: BenchLink

  beforeAll(async () => {
    const config = testConfig(t(), {
      REQUEST_TIMEOUT_MS: String(REQUEST_MS),
      HEADERS_TIMEOUT_MS: String(HEADERS_MS),
      KEEP_ALIVE_TIMEOUT_MS: String(KEEP_ALIVE_MS),
    })
    app = await buildApp(config, { database: t().database, logger: false })
    await app.listen({ host: '127.0.0.1', port: 0 })
    port = (app.server.address() as net.AddressInfo).port
    link = await onboardBenchLink(`http://127.0.0.1:${port}`, TEST_ADMIN_SECRET, 'slowloris')
  })
  afterAll(async () => app.close())

  it('cuts off slow bodies and slow headers after the timeout; redirects keep answering 302 meanwhile', async () => {
    const bodyHead = `POST /aff/postback HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 10000\r\n\r\nnetwork=slowloris&`
    const headerHead = `GET /r/${link.code} HTTP/1.1\r\nHost: x\r\n`
    const slow = Array.from({ length: SLOW_CONNECTIONS }, (_, i) =>
      i % 2 === 0 ? slowConnection(port, bodyHead, 'a') : slowConnection(port, headerHead, 'X'),
    )

    // A visitor clicking every 100 ms while the attack runs.
    const redirects: { status: number; ms: number }[] = []
    let attacking = true
    const visitor = (async () => {
      while (attacking) {
        const started = performance.now()
        const res = await fetch(`http://127.0.0.1:${port}/r/${link.code}`, {
          redirect: 'manual',
          headers: { 'user-agent': 'Mozilla/5.0 (visitor)' },
        })
        await res.arrayBuffer()
        redirects.push({ status: res.status, ms: performance.now() - started })
        await new Promise((r) => setTimeout(r, 100))
      }
    })()
    const closed = await Promise.all(slow)
    attacking = false
    await visitor

    // Every slow connection was cut off, none later than its timeout plus the checking interval and some slack.
    const latest = Math.max(...closed.map((c) => c.closedAfterMs!))
    expect(latest).toBeLessThan(REQUEST_MS + 2_000)
    const bodies = closed.filter((_, i) => i % 2 === 0)
    expect(bodies.every((c) => c.closedAfterMs! >= REQUEST_MS - 100)).toBe(true)
    // …with a 408 when the socket could still be written to.
    expect(bodies.filter((c) => c.answer.startsWith('HTTP/1.1 408')).length).toBeGreaterThan(SLOW_CONNECTIONS / 4)

    expect(redirects.length).toBeGreaterThan(5)
    expect(redirects.every((r) => r.status === 302)).toBe(true)
    expect(Math.max(...redirects.map((r) => r.ms))).toBeLessThan(1_000)
  })

  it('closes an idle keep-alive connection', async () => {
    const closedAfterMs = await new Promise<number>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () =>
        socket.write(`GET /r/${link.code} HTTP/1.1\r\nHost: x\r\nConnection: keep-alive\r\n\r\n`),
      )
      let answeredAt = 0
      socket.on('data', () => (answeredAt ||= Date.now()))
      socket.on('error', () => {})
      socket.on('close', () => resolve(Date.now() - answeredAt))
    })
    expect(closedAfterMs).toBeGreaterThanOrEqual(KEEP_ALIVE_MS - 100)
    expect(closedAfterMs).toBeLessThan(KEEP_ALIVE_MS + 1_500)
  })

  it('a connection that never sends a byte is closed too', async () => {
    const closedAfterMs = await new Promise<number>((resolve) => {
      const started = Date.now()
      const socket = net.connect(port, '127.0.0.1')
      socket.on('error', () => {})
      socket.on('close', () => resolve(Date.now() - started))
      setTimeout(() => (socket.destroy(), resolve(Number.POSITIVE_INFINITY)), REQUEST_MS * 5).unref()
    })
    expect(closedAfterMs).toBeLessThan(REQUEST_MS + 2_000)
  })
})

it('sets Node to check the timeouts often enough to enforce them, and bounds connections by the fd limit', () => {
  const limits = serverLimits({ requestMs: 10_000, headersMs: 5_000, keepAliveMs: 5_000, maxConnections: 0 })
  expect(limits.http.connectionsCheckingInterval).toBeLessThanOrEqual(1_000)
  expect(limits.http.headersTimeout).toBe(5_000)
  expect(limits.requestTimeout).toBe(10_000)
  expect(connectionBound({ requestMs: 1, headersMs: 1, keepAliveMs: 1, maxConnections: 0 }, 1024)).toBe(768)
  expect(connectionBound({ requestMs: 1, headersMs: 1, keepAliveMs: 1, maxConnections: 0 }, null)).toBe(0)
  expect(connectionBound({ requestMs: 1, headersMs: 1, keepAliveMs: 1, maxConnections: 500 }, 1024)).toBe(500)
})
