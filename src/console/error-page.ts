// Errors on console pages (and the login page) are answered with an HTML page in
// the console's layout, in French, instead of the API's plain text or JSON.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { navFor } from './nav.ts'
import { actorOf } from './actor.ts'

/** A page of the console or the login form — not the JSON API, the CSV or the tracking endpoints. */
export function isConsolePage(request: FastifyRequest): boolean {
  const path = request.url.split('?')[0]!
  if (path.startsWith('/admin/api') || path.endsWith('.json') || path.endsWith('.csv')) return false
  return /^\/(admin|ops)(\/|$)/.test(path) || path === '/login' || path === '/logout'
}

const TITLES: Record<number, string> = {
  400: 'Requête invalide',
  401: 'Non autorisé',
  403: 'Accès refusé',
  404: 'Page introuvable',
  409: 'Action refusée',
  429: 'Trop de tentatives',
}

/** What the person should read: our own words for the plugins' English messages. */
function explain(status: number, message: string, code: string | undefined): string {
  if (code === 'FST_CSRF_INVALID_TOKEN' || code === 'FST_CSRF_MISSING_SECRET')
    return 'Formulaire expiré ou invalide (jeton CSRF). Rechargez la page et recommencez.'
  if (status === 429) return 'Trop de tentatives de connexion depuis cette adresse. Réessayez dans quelques minutes.'
  if (status === 404 && message === 'Not Found') return "Cette page n'existe pas."
  if (status >= 500) return 'Erreur interne : elle est consignée dans le journal du serveur. Réessayez dans un instant.'
  // Fastify's and our input guards word their refusals in English, for the API and the logs.
  if (message.startsWith('text input refused'))
    return 'Texte refusé : le formulaire contient un caractère que nous ne pouvons pas enregistrer (caractère de contrôle). Retapez-le.'
  if (code?.startsWith('FST_ERR_CTP_') || status === 413 || status === 415)
    return status === 413 ? 'Formulaire trop volumineux.' : 'Requête illisible : renvoyez le formulaire depuis la page.'
  return message
}

export async function sendErrorPage(
  app: FastifyInstance,
  request: FastifyRequest,
  reply: FastifyReply,
  status: number,
  message: string,
  code?: string,
) {
  // An unmatched URL has no route to opt into the security headers: give them here.
  if (!reply.hasHeader('content-security-policy')) app.applyPageHeaders(request, reply)
  // A failed lookup (database down) must not turn the error page itself into one.
  const signedIn = (request.account ?? (await app.sessionAccount(request).catch(() => null))) !== null
  const html = await reply.viewAsync('error', {
    title: `${TITLES[status] ?? (status >= 500 ? 'Erreur' : 'Requête refusée')} — ContentFlow`,
    heading: TITLES[status] ?? (status >= 500 ? 'Erreur' : 'Requête refusée'),
    status,
    message: explain(status, message, code),
    signedIn,
    navItems: navFor(request.account),
    nav: 'none',
    csrfToken: signedIn ? app.csrfTokenFor(request, reply) : '',
    actor: signedIn ? actorOf(request) : '',
  })
  return reply.code(status).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
}
