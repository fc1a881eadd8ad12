// What every console page and form shares: the layout's data (navigation, the
// CSRF token of its forms, the flash message), the French formatters, and the
// POST → redirect → GET of forms with the outcome as a flash message.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { ZodError } from 'zod'
import { DomainError } from '../errors.ts'
import { formatCents, formatCount, formatEpc, formatEur } from '../format/money.ts'
import { formatDate, formatDateTime, isoDay } from '../format/dates.ts'
import { setFlash, takeFlash } from './flash.ts'
import { actorOf } from './actor.ts'
import { navFor, type NavKey } from './nav.ts'
import { ROLE_LABELS } from '../accounts/roles.ts'

export const fmt = {
  cents: formatCents,
  eur: formatEur,
  epc: formatEpc,
  count: formatCount,
  date: formatDate,
  dateTime: formatDateTime,
  isoDay,
}

export const PAYOUT_STATUS_LABELS: Record<string, string> = {
  requested: 'demandé',
  approved: 'approuvé',
  paid: 'payé',
  rejected: 'rejeté',
}

export interface PageData {
  title: string
  nav: NavKey
  [key: string]: unknown
}

/** Renders a console page in the shared layout; pages are never cached (they show live money). */
export async function renderPage(request: FastifyRequest, reply: FastifyReply, view: string, data: PageData, status = 200) {
  const flash = takeFlash(request, reply)
  const csrfToken = request.server.csrfTokenFor(request, reply)
  const account = request.account
  const html = await reply.viewAsync(view, {
    ...data,
    flash,
    csrfToken,
    fmt,
    navItems: navFor(account),
    actor: actorOf(request),
    roleLabel: account ? ROLE_LABELS[account.role] : '',
    // Viewers see every page; their forms are not shown (the server refuses them anyway).
    canChange: account !== null && account.role !== 'viewer',
    signedIn: true,
  })
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}

/** Where a form may send the browser back to: a console path of ours, nothing else (no open redirect). */
export function safeBack(value: unknown, fallback: string): string {
  if (typeof value !== 'string') return fallback
  if (!/^\/(admin|ops)(\/[A-Za-z0-9/_.-]*)?(\?[A-Za-z0-9_.=&%+-]*)?$/.test(value)) return fallback
  if (value.startsWith('/admin/api')) return fallback
  return value
}

/** The one-line message of a refusal (domain rules, validation). */
export function refusalText(err: unknown): string | null {
  if (err instanceof DomainError && err.statusCode < 500) return err.message
  if (err instanceof ZodError) return err.issues.map((i) => (i.path.length ? `${i.path.join('.')} : ${i.message}` : i.message)).join(' ; ')
  return null
}

/**
 * A console form's handler: runs the action, then redirects back (303) with its
 * outcome as a flash message. Refusals (409, 400, 404) become the message; our
 * own faults go to the error handler.
 */
export function formAction<P = Record<string, string>>(
  back: (request: FastifyRequest<{ Params: P; Body: Record<string, unknown> | undefined }>) => string,
  action: (request: FastifyRequest<{ Params: P; Body: Record<string, unknown> | undefined }>) => Promise<string>,
) {
  return async (request: FastifyRequest<{ Params: P; Body: Record<string, unknown> | undefined }>, reply: FastifyReply) => {
    const to = safeBack(request.body?.back, back(request))
    try {
      setFlash(reply, { kind: 'ok', text: await action(request) })
    } catch (err) {
      const text = refusalText(err)
      if (text === null) throw err
      request.log.info({ reason: text }, 'console action refused')
      setFlash(reply, { kind: 'error', text })
    }
    return reply.redirect(to, 303)
  }
}

/** The body of a console form as strings (formbody gives strings; anything else is ignored). */
export function field(body: Record<string, unknown> | undefined, name: string): string {
  const v = body?.[name]
  return typeof v === 'string' ? v : ''
}
