// /admin/networks (list, presets, create) and /admin/networks/:slug (settings,
// status words, field map, token, the postback URL to paste, a test postback).
// Thin: the rules are src/onboarding's, worded in French for people here.
// Ops and owners see the postback URL whole, ready to paste (the network needs
// it, and the JSON API gives it to automation too); viewers see the token masked.
// A new token (create or rotate) is announced in the answer to the form that made
// it, never in a redirect or a cookie.
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { z } from 'zod'
import { answerForm, field, refusalText, renderPage } from '../../console/page.ts'
import { setFlash } from '../../console/flash.ts'
import { baseUrlFor, onboardingContext } from '../../console/context.ts'
import { NotFound, Refused } from '../../errors.ts'
import { createNetwork, listNetworks, networkBySlugOrNull, postbackSetup, updateNetwork } from '../../onboarding/networks.ts'
import { NETWORK_PRESETS, PRESETS } from '../../onboarding/postback-url.ts'
import { inFrench } from '../../onboarding/french-refusals.ts'
import {
  fieldMapAsText,
  fieldMapFromText,
  networkCreateInput,
  networkSettingsInput,
  statusWordChanges,
} from '../../onboarding/network-form.ts'
import { auditTestPostback, testConversions, testPostbackFor } from '../../onboarding/test-postback.ts'
import { listOffers } from '../../onboarding/offers.ts'
import { formatCents } from '../../format/money.ts'
import { DEFAULT_STATUS_WORDS } from '../../postbacks/status-words.ts'
import { CONVERSION_STATUSES } from '../../ledger/transitions.ts'
import { DECIMAL_SEPARATORS } from '../../postbacks/amount.ts'
import { SUBID_SEPARATORS } from '../../tracking/subid.ts'

const slugParams = z.object({ slug: z.string().max(64) })
const slugForm = { schema: { params: slugParams }, attachValidation: true }

/** The token's place in a URL, masked: its last 4 characters, so two tokens can be told apart. */
function masked(url: string | null, token: string | null): string | null {
  if (url === null || !token) return url
  return url.replace(`token=${encodeURIComponent(token)}`, `token=••••${token.slice(-4)}`)
}

const presetChoices = NETWORK_PRESETS.map((key) => ({ key, ...PRESETS[key] }))

const networkPages: FastifyPluginAsyncZod = async (app) => {
  const ctx = (request: FastifyRequest) => onboardingContext(app, request)
  const pageOf = (params: unknown) => `/admin/networks/${encodeURIComponent(slugParams.safeParse(params).data?.slug ?? '')}`

  /** The network's page; `revealed` is the token just made, shown whole this once. */
  async function networkPage(request: FastifyRequest, reply: FastifyReply, slug: string, revealed: string | null, notice?: string) {
    const row = await networkBySlugOrNull(app.database, slug)
    if (!row) throw new NotFound(`Réseau « ${slug.slice(0, 64)} » introuvable.`)
    const [network] = (await listNetworks({ database: app.database })).filter((n) => n.id === row.id)
    const setup = await postbackSetup({ database: app.database }, row.slug, baseUrlFor(app, request))
    const [offers, tests] = await Promise.all([
      listOffers({ database: app.database }, { network: row.slug }),
      testConversions(app.database, row.id),
    ])
    const spec = PRESETS[setup.preset as keyof typeof PRESETS]
    const presetWords = spec.statusWords ?? {}
    const words = Object.entries(network!.effectiveStatusWords)
      .map(([word, status]) => ({
        word,
        status,
        origin: Object.hasOwn(network!.statusWords, word) ? 'réseau' : Object.hasOwn(presetWords, word) ? 'modèle' : 'défaut',
      }))
      .sort((a, b) => a.word.localeCompare(b.word))
    const removed = Object.entries(network!.statusWords)
      .filter(([, s]) => s === null)
      .map(([w]) => w)
    const showWhole = canChange(request)
    return renderPage(request, reply, 'network', {
      title: `${row.name} — Réseaux — ContentFlow`,
      nav: 'networks',
      network,
      setup,
      spec,
      postbackUrl: showWhole ? setup.url : masked(setup.url, row.postbackToken),
      alternativeUrl: showWhole ? setup.alternativeUrl : masked(setup.alternativeUrl, row.postbackToken),
      showWhole,
      revealedToken: showWhole ? revealed : null,
      tokenHint: row.postbackToken ? `••••${row.postbackToken.slice(-4)}` : null,
      notice: notice ?? null,
      words,
      removed,
      fieldMapText: fieldMapAsText(network!.fieldMap),
      offers,
      tests,
      statuses: CONVERSION_STATUSES,
      separators: SUBID_SEPARATORS,
      decimalSeparators: DECIMAL_SEPARATORS,
      presets: presetChoices,
    })
  }

  const canChange = (request: FastifyRequest) => request.account !== null && request.account.role !== 'viewer'

  app.get('/networks', async (request, reply) => {
    const networks = await listNetworks({ database: app.database })
    return renderPage(request, reply, 'networks', {
      title: 'Réseaux — ContentFlow',
      nav: 'networks',
      networks,
      presets: presetChoices,
      presetLabels: Object.fromEntries(presetChoices.map((p) => [p.key, p.label])),
      defaultWords: DEFAULT_STATUS_WORDS,
    })
  })

  // Created: its page at once, with the token and the postback URL whole (this once).
  app.post('/networks', async (request, reply) => {
    try {
      const created = await inFrench(() =>
        createNetwork(
          ctx(request),
          networkCreateInput((n) => field(request.body, n)),
        ),
      )
      app.tracking.networksChanged()
      return await networkPage(request, reply, created.slug, created.postbackToken, `Réseau « ${created.name} » créé (${created.slug}).`)
    } catch (err) {
      const text = refusalText(err)
      if (text === null) throw err
      setFlash(reply, { kind: 'error', text })
      return reply.redirect('/admin/networks', 303)
    }
  })

  app.get('/networks/:slug', { schema: { params: slugParams } }, async (request, reply) =>
    networkPage(request, reply, request.params.slug, null),
  )

  app.post('/networks/:slug/settings', slugForm, async (request, reply) =>
    answerForm(request, reply, pageOf(request.params), async () => {
      const n = await inFrench(() =>
        updateNetwork(
          ctx(request),
          request.params.slug,
          networkSettingsInput((k) => field(request.body, k)),
        ),
      )
      app.tracking.networksChanged()
      return `Réglages de « ${n.name} » enregistrés.`
    }),
  )

  app.post('/networks/:slug/status-words', slugForm, async (request, reply) =>
    answerForm(request, reply, pageOf(request.params), async () => {
      const statusWords = statusWordChanges(field(request.body, 'words'))
      await inFrench(() => updateNetwork(ctx(request), request.params.slug, { statusWords }))
      app.tracking.networksChanged()
      const n = Object.keys(statusWords).length
      return `Mots de statut enregistrés (${n} changement${n > 1 ? 's' : ''}).`
    }),
  )

  app.post('/networks/:slug/field-map', slugForm, async (request, reply) =>
    answerForm(request, reply, pageOf(request.params), async () => {
      const fieldMap = fieldMapFromText(field(request.body, 'fieldMap'))
      await inFrench(() => updateNetwork(ctx(request), request.params.slug, { fieldMap }))
      app.tracking.networksChanged()
      return fieldMap === null ? 'Correspondance retirée : les postbacks sont lus sous nos noms.' : 'Correspondance des champs enregistrée.'
    }),
  )

  // The new token: shown whole in this answer only.
  app.post('/networks/:slug/token', slugForm, async (request, reply) => {
    try {
      if (request.validationError) throw request.validationError
      const n = await inFrench(() => updateNetwork(ctx(request), request.params.slug, { rotateToken: true }))
      app.tracking.networksChanged()
      return await networkPage(
        request,
        reply,
        n.slug,
        n.postbackToken ?? null,
        'Nouveau jeton créé : l’ancien ne fonctionne plus. Collez la nouvelle URL dans le réseau.',
      )
    } catch (err) {
      const text = refusalText(err)
      if (text === null) throw err
      setFlash(reply, { kind: 'error', text })
      return reply.redirect(pageOf(request.params), 303)
    }
  })

  /** Fires the test through the app, as the network would; the answer is the flash message. */
  async function fireTest(request: FastifyRequest, slug: string, status: 'pending' | 'rejected', txnId?: string) {
    const test = await testPostbackFor(app.database, slug, { status, ...(txnId ? { txnId } : {}) })
    const answer = await app.inject({ method: 'GET', url: test.url, headers: { 'user-agent': 'ContentFlow test postback (console)' } })
    await auditTestPostback(ctx(request), slug, test, status, answer.statusCode)
    const said = `${answer.statusCode} ${answer.body.trim().slice(0, 200)}`
    if (answer.statusCode !== 200)
      throw new Refused(`Postback de test refusé : réponse ${said}. Rien n’a été enregistré dans le grand livre.`)
    // What the ledger booked, read back (a field map may read the amount in cents).
    const entry = (await testConversions(app.database, test.networkId)).find((e) => e.txnId === test.txnId)
    const booked = entry
      ? `${entry.status}, ${formatCents(entry.amountCents)}${entry.flag ? `, signalée ${entry.flag}` : ''}`
      : 'introuvable'
    return { test, said, booked }
  }

  app.post('/networks/:slug/test', slugForm, async (request, reply) =>
    answerForm(request, reply, pageOf(request.params), async () => {
      const { test, said, booked } = await fireTest(request, request.params.slug, 'pending')
      return `Postback de test envoyé : réponse ${said}. Conversion de test ${test.txnId} (${booked}, non attribuée) — retirez-la ci-dessous.`
    }),
  )

  app.post('/networks/:slug/test/retire', slugForm, async (request, reply) =>
    answerForm(request, reply, pageOf(request.params), async () => {
      const { test, said } = await fireTest(request, request.params.slug, 'rejected', field(request.body, 'txn'))
      return `Conversion de test ${test.txnId} passée en rejected : réponse ${said}.`
    }),
  )
}

export default networkPages
