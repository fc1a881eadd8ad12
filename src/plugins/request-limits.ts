// Oversized requests are refused early and every refusal is logged: URLs longer
// than any real postback or link (414), bodies over the limit (413, by Fastify's
// bodyLimit and the error handler), and requests Node itself cannot parse
// (431/400, from the client-error handler below, which Fastify only traces).
import type { FastifyInstance } from 'fastify'
import http from 'node:http'
import type { Socket } from 'node:net'
import fp from 'fastify-plugin'
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
    socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status]}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${body.length}\r\n\r\n${body}`)
  }
}

export default fp(
  async (app) => {
    // Callback style: every request passes here, an async hook would cost it a promise.
    app.addHook('onRequest', (request, reply, done) => {
      if (request.url.length <= MAX_URL_LENGTH) return done()
      request.log.warn({ length: request.url.length, url: maskUrl(request.url.slice(0, 200)) }, 'URL too long, refused')
      reply.code(414).type('text/plain; charset=utf-8').send(`ERROR URL longer than ${MAX_URL_LENGTH} characters`)
    })
  },
  { name: 'request-limits' },
)
