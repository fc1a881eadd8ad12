// One error handler: the full error is logged with its request; the client gets
// the message for its own mistakes (4xx) and a generic line for ours (5xx).
// Every refusal is worded here: DomainErrors with their status, bad input (a
// route's schema or a domain's zod parse) as 400 "field: reason; …"; answered as
// JSON for the API, as the console's error page for pages, as text otherwise.
import fp from 'fastify-plugin'
import { DomainError } from '../errors.ts'
import { inputIssues } from '../http/input-issues.ts'
import { isDatabaseBusy } from '../db/errors.ts'
import { isConsolePage, sendErrorPage } from '../console/error-page.ts'
import { issuesText } from '../console/issue-text.ts'

export default fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      let status = 500
      let message = 'Internal Server Error'
      const issues = inputIssues(error)
      if (error instanceof DomainError) {
        status = error.statusCode
        message = error.message
      } else if (issues) {
        status = 400
        message = issues.map((i) => `${i.path || 'body'}: ${i.message}`).join('; ')
      } else if (isDatabaseBusy(error)) {
        // A lock held elsewhere (a CLI command on the SQLite file): our fault for the moment, not a bug.
        status = 503
        message = 'database busy, try again in a moment'
        reply.header('retry-after', '1')
      } else {
        const code = (error as { statusCode?: number }).statusCode
        if (typeof code === 'number' && code >= 400 && code < 500) {
          status = code
          message = (error as Error).message
        }
      }
      if (status === 503) request.log.warn({ err: error }, 'request refused: database busy')
      else if (status >= 500) request.log.error({ err: error }, 'request failed')
      else request.log.info({ status, reason: message }, 'request refused')
      reply.code(status)
      const wantsJson = request.url.startsWith('/admin/api') || request.url.includes('.json')
      // Console pages get an HTML page in their layout.
      if (!wantsJson && isConsolePage(request))
        // People read French labels and words there, never field ids (issue-text.ts).
        return sendErrorPage(app, request, reply, status, issues ? issuesText(issues) : message, (error as { code?: string }).code)
      return wantsJson ? reply.send({ error: message }) : reply.type('text/plain; charset=utf-8').send(`ERROR ${message}`)
    })

    app.setNotFoundHandler((request, reply) => {
      if (isConsolePage(request)) return sendErrorPage(app, request, reply, 404, 'Not Found')
      reply.code(404).type('text/plain; charset=utf-8').send('Not Found')
    })
  },
  { name: 'error-handlers' },
)
