// Who acts, for the audit log: the signed-in account's email, or "admin-api"
// for automation with the header secret. Nothing a browser sends names the actor
// but its session.
import type { FastifyRequest } from 'fastify'

export function actorOf(request: FastifyRequest): string {
  return request.account?.actor ?? 'anonymous'
}

/** The acting account's id (null for the header secret). */
export function actorUserIdOf(request: FastifyRequest): number | null {
  return request.account?.session?.userId ?? null
}
