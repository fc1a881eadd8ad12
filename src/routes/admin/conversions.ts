// /admin/conversions: the ledger's conversions with their filters (network,
// partner, status, flag, period, txn id), a keyset "page suivante"; and
// /admin/conversions/:id: one conversion, its history, the postbacks that moved
// it and the click it came from, with ops' corrections (status, amount, partner),
// each with a mandatory reason. The monitoring page links here with ?flag=any,
// ?flag=<word> and ?status=<status>.
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { conversionList } from '../../ledger/conversion-list.ts'
import { conversionDetail } from '../../ledger/conversion-detail.ts'
import { conversionWithId, type ConversionFilter } from '../../ledger/conversions.ts'
import { assignConversion, correctAmount, correctStatus, type CorrectionContext } from '../../ledger/corrections.ts'
import { CONVERSION_STATUSES } from '../../ledger/transitions.ts'
import { choosePartner, partnerSuggestions } from '../../partners/partner-choice.ts'
import { listNetworks } from '../../onboarding/networks.ts'
import { answerForm, field, renderPage } from '../../console/page.ts'
import { idForm, idOf, idParams } from '../../console/context.ts'
import { actorOf } from '../../console/actor.ts'
import { inFrench } from '../../console/correction-refusals.ts'
import { labels, statusLabel, termsText } from '../../console/labels.ts'
import { termsOfEntry } from '../../terms/rules.ts'
import { requiredReason } from '../../console/reason.ts'
import { DomainError, InvalidInput } from '../../errors.ts'
import { formatCents, parseEurToCents } from '../../format/money.ts'
import { DAY_MS } from '../../time.ts'

/** The list's filters as typed (kept in the form and the page links as they were). */
const FILTER_FIELDS = ['network', 'partner', 'status', 'flag', 'from', 'to', 'txn'] as const
type FilterForm = Record<(typeof FILTER_FIELDS)[number], string>

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/

function dayOf(value: string, name: string, errors: string[]): Date | undefined {
  const m = DAY.exec(value)
  const at = m ? Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) : NaN
  if (!m || Number.isNaN(at) || new Date(at).toISOString().slice(0, 10) !== value) {
    errors.push(`${name} : date invalide « ${value} » (attendu : une date du calendrier)`)
    return undefined
  }
  return new Date(at)
}

/** The filter the list reads, and the French reason of each value it could not take. */
async function filterOf(app: FastifyInstance, form: FilterForm) {
  const errors: string[] = []
  const filter: ConversionFilter = {}
  let partner: { id: number; name: string } | null = null
  if (form.network !== '') filter.networkSlug = form.network
  if (form.status !== '') {
    if ((CONVERSION_STATUSES as readonly string[]).includes(form.status)) filter.status = form.status
    else errors.push(`statut inconnu « ${form.status} »`)
  }
  if (form.flag !== '') {
    if (/^[a-z_]{1,32}$/.test(form.flag)) filter.flag = form.flag
    else errors.push(`signalement inconnu « ${form.flag} »`)
  }
  if (form.partner !== '') {
    try {
      partner = await choosePartner(app.database, form.partner)
      filter.partnerId = partner.id
    } catch (err) {
      if (!(err instanceof DomainError)) throw err
      errors.push(`partenaire : ${err.message}`)
    }
  }
  if (form.from !== '') filter.from = dayOf(form.from, 'du', errors)
  if (form.to !== '') {
    const to = dayOf(form.to, 'au', errors)
    // The end day is included, up to its last instant.
    if (to) filter.to = new Date(to.getTime() + DAY_MS)
  }
  if (filter.from && filter.to && filter.from >= filter.to) errors.push('période vide : la date de début est après la date de fin')
  return { filter, partner, errors }
}

const correctionContext = (app: FastifyInstance, request: FastifyRequest): CorrectionContext => ({
  database: app.database,
  actor: actorOf(request),
})

const conversionPages: FastifyPluginAsyncZod = async (app) => {
  app.get<{ Querystring: Record<string, unknown> }>('/conversions', async (request, reply) => {
    const text = (name: string, max: number) => {
      const v = request.query[name]
      return typeof v === 'string' ? v.trim().slice(0, max) : ''
    }
    const form = Object.fromEntries(FILTER_FIELDS.map((k) => [k, text(k, k === 'txn' ? 128 : 100)])) as FilterForm
    const cursor = text('cursor', 64)
    const { filter, partner, errors } = await filterOf(app, form)
    let list: Awaited<ReturnType<typeof conversionList>> = { rows: [], nextPage: null }
    if (errors.length === 0) {
      try {
        list = await conversionList(app.database, {
          filter,
          ...(form.txn !== '' ? { txnId: form.txn } : {}),
          ...(cursor !== '' ? { cursor } : {}),
        })
      } catch (err) {
        if (!(err instanceof InvalidInput)) throw err
        errors.push('lien de page invalide : reprenez depuis la première page')
      }
    }
    const query = new URLSearchParams()
    for (const k of FILTER_FIELDS) if (form[k] !== '') query.set(k, form[k])
    const [suggestions, networks] = await Promise.all([partnerSuggestions(app.database), listNetworks({ database: app.database })])
    return renderPage(
      request,
      reply,
      'conversions',
      {
        title: 'Conversions — ContentFlow',
        nav: 'conversions',
        form,
        errors,
        partner,
        rows: list.rows,
        networks,
        partners: suggestions,
        labels,
        query: query.toString(),
        nextPage: list.nextPage,
        paged: cursor !== '',
      },
      errors.length > 0 ? 400 : 200,
    )
  })

  app.get('/conversions/:id', { schema: { params: idParams } }, async (request, reply) => {
    const detail = await conversionDetail(app.database, request.params.id)
    const e = detail.entry
    const revenue = e.revenueCents ?? e.amountCents
    const partners = e.partner === null || e.flag !== null ? await partnerSuggestions(app.database) : []
    return renderPage(request, reply, 'conversion', {
      title: `Conversion #${e.id} — ContentFlow`,
      nav: 'conversions',
      ...detail,
      partners,
      labels,
      // The form corrects the revenue (earnings follow the entry's terms), as a person types it: "12,34".
      amountInput: `${Math.floor(revenue / 100)},${String(revenue % 100).padStart(2, '0')}`,
      termsText: termsText(termsOfEntry(e.termsMode, e.termsValue)),
      canAssign: e.partner === null || e.flag !== null,
    })
  })

  const back = (params: unknown) => {
    const id = idOf(params)
    return id === '' ? '/admin/conversions' : `/admin/conversions/${id}`
  }

  app.post('/conversions/:id/status', idForm, async (request, reply) =>
    answerForm(request, reply, back(request.params), async () => {
      const { id } = request.params
      const reason = requiredReason(field(request.body, 'reason'))
      const status = field(request.body, 'status')
      if (!(CONVERSION_STATUSES as readonly string[]).includes(status)) throw new InvalidInput('choisissez un statut')
      const after = await inFrench(() => correctStatus(correctionContext(app, request), id, status, reason))
      const step = after.history.at(-1)
      return `Conversion #${id} : statut passé de « ${statusLabel(step?.fromStatus)} » à « ${statusLabel(after.status)} ».`
    }),
  )

  app.post('/conversions/:id/amount', idForm, async (request, reply) =>
    answerForm(request, reply, back(request.params), async () => {
      const { id } = request.params
      const reason = requiredReason(field(request.body, 'reason'))
      const cents = parseEurToCents(field(request.body, 'amount'))
      if (cents === null) throw new InvalidInput('montant invalide (ex. 15,50)')
      const before = (await inFrench(() => conversionWithId(app.database, id))).amountCents
      const after = await inFrench(() => correctAmount(correctionContext(app, request), id, cents, reason))
      return `Conversion #${id} : montant corrigé de ${formatCents(before)} à ${formatCents(after.amountCents)}.`
    }),
  )

  app.post('/conversions/:id/assign', idForm, async (request, reply) =>
    answerForm(request, reply, back(request.params), async () => {
      const { id } = request.params
      const reason = requiredReason(field(request.body, 'reason'))
      const partner = await choosePartner(app.database, field(request.body, 'partner'))
      await inFrench(() => assignConversion(correctionContext(app, request), id, partner.id, reason))
      return `Conversion #${id} attribuée à ${partner.name} (#${partner.id}).`
    }),
  )
}

export default conversionPages
