// A partner's browser in the portal, driven with inject(): signs in by a link
// ops make (POST /admin/api/partners/:id/portal-link), as a partner would by the
// emailed one, and keeps its cookies like ConsoleSession.
import type { FastifyInstance } from 'fastify'
import { expect } from 'vitest'
import { adminHeaders } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

export async function opsLinkFor(app: FastifyInstance, partnerId: number): Promise<string> {
  const res = await app.inject({ method: 'POST', url: `/admin/api/partners/${partnerId}/portal-link`, headers: adminHeaders })
  expect(res.statusCode).toBe(201)
  return res.json<{ url: string }>().url
}

/** The path and query of a sign-in URL (the tests inject; the host is the public base). */
export function pathOf(url: string): string {
  const u = new URL(url)
  return `${u.pathname}${u.search}`
}

export class PortalSession extends ConsoleSession {
  /** Opens a sign-in link and confirms it, as the partner's browser does; the answer of the confirmation. */
  async useLink(url: string) {
    const page = await this.get(pathOf(url))
    expect(page.statusCode).toBe(200)
    const token = new URL(url).searchParams.get('token') ?? ''
    return this.post('/p/auth', { _csrf: ConsoleSession.csrfOf(page.body), token })
  }

  async signInAs(app: FastifyInstance, partnerId: number): Promise<void> {
    const res = await this.useLink(await opsLinkFor(app, partnerId))
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe('/p')
  }

  /** The session's CSRF token, from a portal page. */
  async portalCsrf(): Promise<string> {
    return ConsoleSession.csrfOf((await this.get('/p')).body)
  }
}
