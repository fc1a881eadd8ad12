// /admin/postbacks: the postback log (filters, keyset pages), one line whole
// (/admin/postbacks/:id), and the replays ops start from there: one line, or the
// replayable lines of the current selection (at most MAX_REPLAY_SELECTION per click).
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { actorOf } from '../../console/actor.ts'
import { idForm, idOf, idParams } from '../../console/context.ts'
import { answerForm, field, refusalText, renderPage } from '../../console/page.ts'
import { setFlash } from '../../console/flash.ts'
import { outcomeLabel } from '../../console/labels.ts'
import { allNetworkSlugs } from '../../postbacks/import-console.ts'
import {
  cursorOf,
  logFilterOf,
  POSTBACK_OUTCOMES,
  postbackLogDetail,
  postbackLogList,
  queryOfFilter,
  type LogQuery,
} from '../../postbacks/log-view.ts'
import {
  MAX_REPLAY_SELECTION,
  replayLineText,
  replayLogLine,
  replaySelection,
  replaySelectionText,
  type ReplayContext,
} from '../../postbacks/console-replay.ts'
import { loadPostbackNetwork } from '../../postbacks/network-cache.ts'

const FILTER_FIELDS = ['outcome', 'reason', 'network', 'source', 'from', 'to'] as const

/** The replay reads the network as it is now (not the postback endpoint's cache): the fix is what is being replayed. */
function replayContext(app: FastifyInstance, request: FastifyRequest): ReplayContext {
  return {
    actor: actorOf(request),
    postbacks: {
      database: app.database,
      fxRates: app.config.fxRates,
      salt: app.config.ipHashSalt,
      networks: (slug) => loadPostbackNetwork(app.database, slug),
      onError: (err, stage) => {
        request.log.error({ err, stage }, 'postback replay failed')
      },
    },
  }
}

const stringsOf = (value: unknown, names: readonly string[]): LogQuery => {
  const out: Record<string, string> = {}
  for (const n of names) {
    const v = field(value, n)
    if (v !== '') out[n] = v
  }
  return out
}

const postbackPages: FastifyPluginAsyncZod = async (app) => {
  app.get('/postbacks', async (request, reply) => {
    const query = stringsOf(request.query, [...FILTER_FIELDS, 'after', 'lines'])
    let error: string | null = null
    let page = null
    try {
      page = await postbackLogList(app.database, logFilterOf(query), cursorOf(query.after))
    } catch (err) {
      // A bad filter: the page says why and keeps what was typed.
      error = refusalText(err)
      if (error === null) throw err
    }
    const filterQuery = queryOfFilter(query).toString()
    return renderPage(request, reply, 'postbacks', {
      title: 'Postbacks — ContentFlow',
      nav: 'postbacks',
      query,
      error,
      page,
      filterQuery,
      here: `/admin/postbacks${filterQuery ? `?${filterQuery}` : ''}${query.after ? `${filterQuery ? '&' : '?'}after=${query.after}` : ''}`,
      outcomes: POSTBACK_OUTCOMES.map((o) => ({ value: o, label: outcomeLabel(o) })),
      networks: await allNetworkSlugs(app.database),
      maxReplay: MAX_REPLAY_SELECTION,
    })
  })

  app.get('/postbacks/:id', { schema: { params: idParams } }, async (request, reply) => {
    const detail = await postbackLogDetail(app.database, request.params.id)
    return renderPage(request, reply, 'postback', {
      title: `Postback #${String(detail.line.id)} — ContentFlow`,
      nav: 'postbacks',
      ...detail,
    })
  })

  app.post('/postbacks/:id/replay', idForm, async (request, reply) =>
    answerForm(request, reply, `/admin/postbacks/${idOf(request.params)}`, async () =>
      replayLineText(await replayLogLine(replayContext(app, request), request.params.id)),
    ),
  )

  // The selection's lines, then the list of exactly those lines with their new outcome.
  app.post('/postbacks/replay', async (request, reply) => {
    const query = stringsOf(request.body, FILTER_FIELDS)
    const back = `/admin/postbacks${queryOfFilter(query).size ? `?${queryOfFilter(query).toString()}` : ''}`
    try {
      const replay = await replaySelection(replayContext(app, request), logFilterOf(query))
      setFlash(reply, { kind: 'ok', text: replaySelectionText(replay) })
      if (replay.lines.length === 0) return await reply.redirect(back, 303)
      return await reply.redirect(`/admin/postbacks?lines=${replay.lines.map((l) => l.logId).join('.')}`, 303)
    } catch (err) {
      const text = refusalText(err)
      if (text === null) throw err
      setFlash(reply, { kind: 'error', text })
      return reply.redirect(back, 303)
    }
  })
}

export default postbackPages
