// GET /admin/api/reports?groupBy=&from=&to= (or &range=) — the report of
// /admin/reports as JSON: { groupBy, from, to, sort, rows, totals }. A bad
// grouping or period is a 400 with its reason.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { InvalidInput } from '../../../errors.ts'
import { parseReportParams } from '../../../reports/params.ts'
import { buildReport } from '../../../reports/report.ts'

const reportsApi: FastifyPluginAsyncZod = async (app) => {
  app.get('/reports', async (request, reply) => {
    const parsed = parseReportParams(request.query, new Date())
    if (!parsed.ok) throw new InvalidInput(parsed.refusal.en)
    reply.header('cache-control', 'no-store')
    return buildReport(app.database, parsed.params)
  })
}

export default reportsApi
