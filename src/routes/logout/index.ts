// /logout: the session ends on the server, whatever the browser keeps. Logging
// out is a POST carrying the session's own CSRF token.
import type { FastifyInstance } from 'fastify'

export default async function logout(app: FastifyInstance) {
  app.get('', async (request, reply) => {
    if (!(await app.sessionAccount(request))) return reply.redirect('/login', 302)
    const html = await reply.viewAsync('logout', {
      title: 'Déconnexion — ContentFlow',
      csrfToken: app.csrfTokenFor(request, reply),
      signedIn: false,
    })
    return reply.type('text/html; charset=utf-8').header('cache-control', 'no-store').send(html)
  })

  // A session's logout needs that session's token (no logout from another site);
  // without a live session there is nothing to end.
  app.post(
    '',
    {
      preHandler: [
        async (request) => {
          await app.sessionAccount(request)
        },
        app.checkSessionCsrf,
      ],
    },
    async (request, reply) => {
      await app.endAdminSession(request, reply)
      return reply.redirect('/login?out=1', 303)
    },
  )
}
