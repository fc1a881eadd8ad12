// Oversized requests are refused early and every refusal is logged: URLs longer
// than any real postback or link (414), bodies over the limit (413, by Fastify's
// bodyLimit and the error handler), and requests Node itself cannot parse
// (431/400, from the client-error handler below, which Fastify only traces).
// Slow clients are cut off too (serverLimits): a request whose headers or body
// have not arrived in time gets a 408, an idle keep-alive connection is closed,
// and the number of open connections stays below the file-descriptor limit.
import type { FastifyInstance } from 'fastify'
import http from 'node:http'
import { readFileSync } from 'node:fs'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
import type { TimeoutConfig } from '../config.ts'
import { maskUrl } from '../http/logging.ts'

/** No network macro set or tracked link comes near this. */
export const MAX_URL_LENGTH = 8 * 1024
export const MAX_BODY_BYTES = 64 * 1024

export function clientErrorHandler(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Socket) {
  if (err.code === 'ECONNRESET' || socket.destroyed) return
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400
  this.log.warn({ code: err.code, status, remoteAddress: socket.remoteAddress }, 'malformed request refused')
  if (socket.writable) {
    const body = `ERROR ${http.STATUS_CODES[status]}`
    socket.end(
      `HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
    )
  }
}

/** Descriptors kept for the database, its WAL, log files and the metrics port. */
const RESERVED_FDS = 256

/** The soft limit on open files (Linux), or null where it cannot be read. */
export function openFileLimit(limits = '/proc/self/limits'): number | null {
  try {
    const m = /^Max open files\s+(\d+|unlimited)/m.exec(readFileSync(limits, 'utf8'))
    return m && m[1] !== 'unlimited' ? Number(m[1]) : null
  } catch {
    return null
  }
}

/** MAX_CONNECTIONS, or (0) what the file-descriptor limit leaves once the reserve is kept; 0: no bound known. */
export function connectionBound(timeouts: TimeoutConfig, fdLimit: number | null = openFileLimit()): number {
  if (timeouts.maxConnections > 0) return timeouts.maxConnections
  if (fdLimit === null) return 0
  return Math.max(64, fdLimit - RESERVED_FDS)
}

/**
 * Fastify's and Node's server options for the timeouts. Node checks the request
 * and header timeouts only every connectionsCheckingInterval (30 s by default),
 * so that interval is set to a fraction of the shorter timeout: a slow client is
 * cut off close to its deadline, not up to 30 s after.
 */
export function serverLimits(timeouts: TimeoutConfig) {
  const checkEveryMs = Math.min(1_000, Math.max(50, Math.floor(timeouts.headersMs / 4)))
  return {
    requestTimeout: timeouts.requestMs,
    keepAliveTimeout: timeouts.keepAliveMs,
    http: {
      headersTimeout: timeouts.headersMs,
      requestTimeout: timeouts.requestMs,
      keepAliveTimeout: timeouts.keepAliveMs,
      connectionsCheckingInterval: checkEveryMs,
    },
  }
}

/**
 * Past the bound, Node drops new connections at once; say so in the log, at most
 * every 10 s. A connection that sends nothing at all is closed after the header
 * timeout: Node's own header timeout only starts with the first byte.
 */
export function boundConnections(app: FastifyInstance, timeouts: TimeoutConfig, maxConnections: number): void {
  // One timer per connection (not per request), dropped when the connection closes.
  app.server.on('connection', (socket: Socket) => {
    const silent = setTimeout(() => {
      if (socket.bytesRead === 0) socket.destroy()
    }, timeouts.headersMs)
    silent.unref()
    socket.once('close', () => {
      clearTimeout(silent)
    })
  })
  if (maxConnections <= 0) return
  app.server.maxConnections = maxConnections
  let warnedAt = 0
  app.server.on('drop', (data?: { remoteAddress?: string }) => {
    const now = Date.now()
    if (now - warnedAt < 10_000) return
    warnedAt = now
    app.log.warn({ maxConnections, remoteAddress: data?.remoteAddress }, 'too many open connections: new ones dropped')
  })
}

export default fp(
  async (app) => {
    // Callback style: every request passes here, an async hook would cost it a promise.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.url.length <= MAX_URL_LENGTH) {
        done()
        return
      }
      request.log.warn({ length: request.url.length, url: maskUrl(request.url.slice(0, 200)) }, 'URL too long, refused')
      reply.code(414).type('text/plain; charset=utf-8').send(`ERROR URL longer than ${MAX_URL_LENGTH} characters`)
    })
  },
  { name: 'request-limits' },
)
