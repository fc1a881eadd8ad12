// What the postback endpoint reads from an HTTP request: the raw query string,
// the body as text (form or JSON), the source address. Shared by the route and
// its rate limit, which logs the requests it refuses the same way.
import type { FastifyRequest } from 'fastify'
import type { BodyKind } from '../postbacks/params.ts'
import type { IncomingPostback } from '../postbacks/receive-postback.ts'

function rawQueryOf(request: FastifyRequest): string {
  const q = request.url.indexOf('?')
  return q === -1 ? '' : request.url.slice(q + 1)
}

function bodyKindOf(request: FastifyRequest): BodyKind {
  const type = (request.headers['content-type'] ?? '').toLowerCase()
  return type.includes('json') ? 'json' : 'form'
}

export function incomingPostback(request: FastifyRequest): IncomingPostback {
  const rawBody = typeof request.body === 'string' && request.body.length > 0 ? request.body : null
  return {
    method: request.method,
    rawQuery: rawQueryOf(request),
    rawBody,
    bodyKind: rawBody === null ? null : bodyKindOf(request),
    sourceIp: request.ip,
  }
}
