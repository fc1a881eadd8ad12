// What every portal page shares: the portal layout's data (the partner's name,
// the navigation, the session's CSRF token, the flash message) and the French
// formatters. Pages are never cached: they show live money.
import type { FastifyReply, FastifyRequest } from 'fastify'
import { csrfTokenOf } from '../accounts/sessions.ts'
import { fmt } from '../console/page.ts'
import { takeFlash } from '../console/flash.ts'
import type { PortalAccount } from './sessions.ts'

export const PORTAL_NAV = [
  { key: 'overview', href: '/p', label: 'Aperçu' },
  { key: 'links', href: '/p/links', label: 'Liens' },
  { key: 'conversions', href: '/p/conversions', label: 'Conversions' },
  { key: 'statements', href: '/p/statements', label: 'Relevés' },
  { key: 'payouts', href: '/p/payouts', label: 'Paiements' },
  { key: 'details', href: '/p/details', label: 'Coordonnées' },
] as const

export type PortalNavKey = (typeof PORTAL_NAV)[number]['key']

export async function renderPortal(
  request: FastifyRequest & { portal: PortalAccount | null },
  reply: FastifyReply,
  view: string,
  data: { title: string; nav: PortalNavKey | null; [key: string]: unknown },
  status = 200,
) {
  const account = request.portal
  const html = await reply.viewAsync(`portal/${view}`, {
    ...data,
    flash: takeFlash(request, reply),
    csrfToken: account ? csrfTokenOf(account) : '',
    fmt,
    partner: account,
    navItems: account ? PORTAL_NAV : [],
  })
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}
