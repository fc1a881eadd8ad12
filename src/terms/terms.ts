// Setting commission terms (PUT /admin/api/offers/:id/terms and
// /admin/api/partners/:id/terms): each change is a new row from now on, never an
// edit, so events already booked keep the terms they were booked under, and the
// history says who changed what when. Audited in the same transaction.
import type { Database } from '../db/client.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { insertCommissionTerm, termsRowsOfOffer, type CommissionTermRow } from '../db/queries/commission-terms.ts'
import { offerById } from '../db/queries/offers.ts'
import { partnerById } from '../db/queries/partners.ts'
import { NotFound } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { parseOfferId, parseTerms } from './input.ts'
import { percentText, termsInForce, type Terms, type TermsMode, type TermsRow } from './rules.ts'

export interface TermsContext {
  database: Pick<Database, 'prisma'>
  actor: string
}

/** Terms as the API shows them: value a percent (revshare) or cents. */
export interface TermsJson {
  mode: TermsMode
  value: number
}

export interface TermsHistoryItem extends TermsJson {
  partnerId: number | null
  effectiveFrom: string
  createdBy: string
}

export interface TermsAnswer {
  offerId: number
  partnerId: number | null
  /** The terms in force now for the offer (or for the partner on it). */
  terms: TermsJson
  history: TermsHistoryItem[]
}

export function termsJson(t: Terms): TermsJson {
  return { mode: t.mode, value: t.mode === 'revshare' ? Number(percentText(t.value)) : t.value }
}

const asRule = (r: CommissionTermRow): TermsRow => ({ ...r, mode: r.mode as TermsMode })

async function answer(db: Queryable, offerId: number, partnerId: number | null, now: Date): Promise<TermsAnswer> {
  const rows = await termsRowsOfOffer(db, offerId)
  const relevant = rows.filter((r) => r.partnerId === null || r.partnerId === partnerId)
  return {
    offerId,
    partnerId,
    terms: termsJson(termsInForce(rows.map(asRule), offerId, partnerId, now)),
    history: relevant.map((r) => ({
      ...termsJson({ mode: r.mode as TermsMode, value: r.value }),
      partnerId: r.partnerId,
      effectiveFrom: r.effectiveFrom.toISOString(),
      createdBy: r.createdBy,
    })),
  }
}

export async function setOfferTerms(ctx: TermsContext, offerId: number, body: unknown, now = new Date()): Promise<TermsAnswer> {
  const terms = parseTerms(body)
  return inTransaction(ctx.database, async (db) => {
    if (!(await offerById(db, offerId))) throw new NotFound(`no offer ${offerId}`)
    await insertCommissionTerm(db, { offerId, partnerId: null, ...terms, effectiveFrom: now, createdBy: ctx.actor })
    await audit(db, ctx.actor, 'offer.terms', `offer:${offerId}`, termsJson(terms))
    return answer(db, offerId, null, now)
  })
}

export async function setPartnerTerms(ctx: TermsContext, partnerId: number, body: unknown, now = new Date()): Promise<TermsAnswer> {
  const offerId = parseOfferId(body)
  const terms = parseTerms(body)
  return inTransaction(ctx.database, async (db) => {
    if (!(await partnerById(db, partnerId))) throw new NotFound(`no partner ${partnerId}`)
    if (!(await offerById(db, offerId))) throw new NotFound(`no offer ${offerId}`)
    await insertCommissionTerm(db, { offerId, partnerId, ...terms, effectiveFrom: now, createdBy: ctx.actor })
    await audit(db, ctx.actor, 'partner.terms', `partner:${partnerId}`, { offerId, ...termsJson(terms) })
    return answer(db, offerId, partnerId, now)
  })
}

/** The terms in force now and their history, for an offer (partnerId null) or a partner on it. */
export function offerTerms(
  ctx: Pick<TermsContext, 'database'>,
  offerId: number,
  partnerId: number | null,
  now = new Date(),
): Promise<TermsAnswer> {
  return answer(ctx.database, offerId, partnerId, now)
}
