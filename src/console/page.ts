// What every console page and form shares: the layout's data (navigation, the
// CSRF token of its forms, the flash message), the French formatters, and the
// POST → redirect → GET of forms with the outcome as a flash message.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { DomainError } from '../errors.ts'
import { inputIssues } from '../http/input-issues.ts'
import { issuesText } from './issue-text.ts'
import { formatCents, formatCount, formatEpc, formatEur, formatOriginalAmount } from '../format/money.ts'
import { formatDate, formatDateTime, isoDay } from '../format/dates.ts'
import { setFlash, takeFlash } from './flash.ts'
import { actorOf } from './actor.ts'
import { navFor, type NavKey } from './nav.ts'
import { ROLE_LABELS } from '../accounts/roles.ts'
import { labels } from './labels.ts'

export const fmt = {
  cents: formatCents,
  eur: formatEur,
  epc: formatEpc,
  count: formatCount,
  /** A network's own amount and currency ("15,50 USD"). */
  original: formatOriginalAmount,
  date: formatDate,
  dateTime: formatDateTime,
  isoDay,
}

/** Re-exported for the pages: the payout statuses in French. */
export { PAYOUT_STATUS_LABELS } from '../payouts/payouts.ts'

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
    // The French words of statuses and flags, for every page (a page may pass its own).
    labels,
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

/** The one-line message of a refusal (domain rules, validation), in French, without field ids. */
export function refusalText(err: unknown): string | null {
  if (err instanceof DomainError && err.statusCode < 500) return err.message
  const issues = inputIssues(err)
  if (issues) return issuesText(issues)
  return null
}

/** What a form's answer needs of its request, whatever its route's schema types. */
interface FormRequest {
  body: unknown
  validationError?: Error
  log: FastifyRequest['log']
}

/**
 * A console form's answer: runs the action, then redirects back (303) with its
 * outcome as a flash message. Refusals (409, 400, 404), and input the route's
 * schema refused (form routes set `attachValidation`), become the message; our
 * own faults go to the error handler.
 */
export async function answerForm(request: FormRequest, reply: FastifyReply, back: string, action: () => Promise<string>) {
  const to = safeBack(field(request.body, 'back'), back)
  try {
    if (request.validationError) throw request.validationError
    setFlash(reply, { kind: 'ok', text: await action() })
  } catch (err) {
    const text = refusalText(err)
    if (text === null) throw err
    request.log.info({ reason: text }, 'console action refused')
    setFlash(reply, { kind: 'error', text })
  }
  return reply.redirect(to, 303)
}

/** The body of a console form as strings (formbody gives strings; anything else is ignored). */
export function field(body: unknown, name: string): string {
  const v = body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined
  return typeof v === 'string' ? v : ''
}
