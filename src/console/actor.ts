// Who acts, for the audit log. The console has one shared secret, so a person
// is known by the name typed at login (kept in a signed cookie next to the
// session) and, failing that, by a short prefix of the session id; the header
// secret is automation ("admin-api").
import type { FastifyReply, FastifyRequest } from 'fastify'
import { SESSION_TTL_MS } from '../plugins/admin-auth.ts'

export const ACTOR_COOKIE = 'cf_actor'

/** Letters, digits, spaces and . _ - ; 40 characters at most. */
export function cleanActorName(input: unknown): string {
  if (typeof input !== 'string') return ''
  return input.normalize('NFC').replace(/[^\p{L}\p{N} ._-]/gu, '').replace(/\s+/g, ' ').trim().slice(0, 40)
}

export function rememberActor(reply: FastifyReply, name: string, secure: boolean): void {
  if (!name) {
    reply.clearCookie(ACTOR_COOKIE, { path: '/' })
    return
  }
  reply.setCookie(ACTOR_COOKIE, name, { signed: true, httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: SESSION_TTL_MS / 1000 })
}

export function actorOf(request: FastifyRequest): string {
  if (typeof request.headers['x-admin-secret'] === 'string') return 'admin-api'
  const raw = request.cookies[ACTOR_COOKIE]
  if (raw) {
    const unsigned = request.unsignCookie(raw)
    const name = unsigned.valid ? cleanActorName(unsigned.value) : ''
    if (name) return `ops:${name}`
  }
  return request.adminSession ? `ops:session-${request.adminSession.id.slice(0, 6)}` : 'ops'
}
