// /admin/imports: a network's conversion updates as CSV (pasted, or a file sent
// as multipart/form-data), previewed line by line (nothing written), then
// applied — the same text, checked by its fingerprint — with the outcome as a
// flash message. The import itself: postbacks/import.ts.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { actorOf } from '../../console/actor.ts'
import { answerForm, field, refusalText, renderPage } from '../../console/page.ts'
import { readMultipartForm } from '../../http/multipart-form.ts'
import {
  allNetworkSlugs,
  applyImport,
  IMPORT_LINE_LABELS,
  importResultText,
  importTextOf,
  MAX_IMPORT_BYTES,
  MAX_IMPORT_LINES,
  previewImport,
  previewLinesShown,
  type ImportConsoleContext,
  type ImportPreview,
} from '../../postbacks/import-console.ts'

/** The form's other fields beside the text (and the multipart framing). */
const FORM_OVERHEAD_BYTES = 64 * 1024

const importContext = (app: FastifyInstance, request: FastifyRequest): ImportConsoleContext => ({
  database: app.database,
  fxRates: app.config.fxRates,
  actor: actorOf(request),
})

const importPages: FastifyPluginAsyncZod = async (app) => {
  // The file arrives as multipart; a pasted text may come urlencoded too (the form's default elsewhere).
  app.addContentTypeParser(
    'multipart/form-data',
    { parseAs: 'buffer', bodyLimit: MAX_IMPORT_BYTES + FORM_OVERHEAD_BYTES },
    (request: FastifyRequest, body: string | Buffer) => readMultipartForm(String(request.headers['content-type']), body as Buffer),
  )
  const bodyLimit = MAX_IMPORT_BYTES + FORM_OVERHEAD_BYTES

  const page = async (
    request: FastifyRequest,
    reply: FastifyReply,
    data: { network: string; text: string; error?: string | null; preview?: ImportPreview | null },
    status = 200,
  ) =>
    renderPage(
      request,
      reply,
      'import',
      {
        title: 'Import de conversions — ContentFlow',
        nav: 'postbacks',
        networks: await allNetworkSlugs(app.database),
        maxMb: MAX_IMPORT_BYTES / 1024 / 1024,
        maxLines: MAX_IMPORT_LINES,
        lineLabels: IMPORT_LINE_LABELS,
        error: null,
        preview: null,
        shown: data.preview ? previewLinesShown(data.preview.result) : [],
        ...data,
      },
      status,
    )

  // A body over the limit is refused before it is read: the page says so in French (the text cannot come back).
  app.setErrorHandler(async (err: FastifyError, request, reply) => {
    if (err.code !== 'FST_ERR_CTP_BODY_TOO_LARGE') throw err
    const error = `Fichier trop volumineux : ${String(MAX_IMPORT_BYTES / 1024 / 1024)} Mo au plus (découpez-le).`
    return page(request, reply, { network: '', text: '', error }, 413)
  })

  app.get<{ Querystring: { network?: string } }>('/imports', async (request, reply) =>
    page(request, reply, { network: typeof request.query.network === 'string' ? request.query.network.slice(0, 64) : '', text: '' }),
  )

  // The dry run: a page, not a redirect (it changes nothing and its answer is the whole preview).
  app.post('/imports/preview', { bodyLimit }, async (request, reply) => {
    const network = field(request.body, 'network')
    const pasted = field(request.body, 'csv')
    let text = pasted
    try {
      text = importTextOf(pasted, field(request.body, 'file'))
      const preview = await previewImport(importContext(app, request), network, text)
      return await page(request, reply, { network, text, preview })
    } catch (err) {
      const error = refusalText(err)
      if (error === null) throw err
      // Nothing typed is lost: the text comes back in the form with the reason.
      return page(request, reply, { network, text, error }, 400)
    }
  })

  app.post('/imports/apply', { bodyLimit }, async (request, reply) => {
    const network = field(request.body, 'network')
    return answerForm(request, reply, `/admin/imports?network=${encodeURIComponent(network.slice(0, 64))}`, async () => {
      const text = field(request.body, 'csv')
      const result = await applyImport(importContext(app, request), network, text, field(request.body, 'fingerprint'))
      return importResultText(network, result)
    })
  })
}

export default importPages
