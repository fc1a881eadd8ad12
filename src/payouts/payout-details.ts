// How a partner is paid: a SEPA account (IBAN checked by ISO 13616 mod-97 and its
// country's length, BIC by ISO 9362, the account holder's name) or a PayPal email.
// One function sets them for every caller (the console's form, the admin API, the
// partner portal later): checked, written and audited with the old and new
// details masked, in the partner's lock. The full IBAN never leaves this module
// but to the payout file; pages, answers, audit lines and logs get it masked.
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import type { Queryable } from '../db/queries/access.ts'
import { lastAuditOf, payoutDetailsOf, writePayoutDetails, type PayoutDetailsRow } from '../db/queries/payout-details.ts'
import { InvalidInput, NotFound } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { checkBic } from './bic.ts'
import { checkIban, maskIban } from './iban.ts'
import { withPartnerLocked } from './payout-lock.ts'
import { sepaText } from './sepa-text.ts'

export const PAYOUT_METHODS = ['sepa', 'paypal'] as const
export type PayoutMethod = (typeof PAYOUT_METHODS)[number]

export const PAYOUT_DETAILS_AUDIT = 'partner.payout_details'

/** Bad payout details: the French reason for the console, the English one for the API. */
export class PayoutDetailsRefused extends InvalidInput {
  constructor(
    message: string,
    readonly english: string,
  ) {
    super(message)
  }
}

const text = (max: number) => z.string().max(max)
const detailsInput = z.discriminatedUnion('method', [
  z.strictObject({ method: z.literal('sepa'), iban: text(64), bic: text(32), holder: text(200) }),
  z.strictObject({ method: z.literal('paypal'), email: text(320) }),
])

/** A partner's payout details as anyone but the payout file sees them. */
export type MaskedPayoutDetails =
  { method: 'sepa'; iban: string; bic: string; holder: string } | { method: 'paypal'; email: string } | { method: null }

/** "jane.doe@example.com" → "j•••@example.com". */
export function maskEmail(email: string): string {
  const at = email.lastIndexOf('@')
  if (at <= 0) return '•••'
  return `${email[0]}•••${email.slice(at)}`
}

export function maskedDetails(row: PayoutDetailsRow): MaskedPayoutDetails {
  if (row.payoutMethod === 'sepa' && row.payoutIban)
    return { method: 'sepa', iban: maskIban(row.payoutIban), bic: row.payoutBic ?? '', holder: row.payoutHolder ?? '' }
  if (row.payoutMethod === 'paypal' && row.payoutEmail) return { method: 'paypal', email: maskEmail(row.payoutEmail) }
  return { method: null }
}

/** One line for the audit log and the partner page: "SEPA FR76 •••• … (BNPAFRPP)", "PayPal j•••@…", "aucune". */
export function maskedSummary(d: MaskedPayoutDetails): string {
  if (d.method === 'sepa') return `SEPA ${d.iban} (${d.bic})`
  if (d.method === 'paypal') return `PayPal ${d.email}`
  return 'aucune'
}

type Checked = {
  payoutMethod: PayoutMethod
  payoutIban: string | null
  payoutBic: string | null
  payoutHolder: string | null
  payoutEmail: string | null
}

/** The details checked and normalised, or a PayoutDetailsRefused. */
export function checkPayoutDetails(input: unknown): Checked {
  const parsed = detailsInput.safeParse(input)
  if (!parsed.success) {
    const method = (input as { method?: unknown } | null)?.method
    if (method !== 'sepa' && method !== 'paypal')
      throw new PayoutDetailsRefused('mode de paiement : SEPA ou PayPal', 'method: "sepa" or "paypal"')
    throw new PayoutDetailsRefused(
      method === 'sepa' ? 'SEPA : IBAN, BIC et titulaire du compte attendus' : 'PayPal : adresse e-mail attendue',
      method === 'sepa' ? 'sepa expects exactly iban, bic and holder (strings)' : 'paypal expects exactly email (a string)',
    )
  }
  const d = parsed.data
  if (d.method === 'paypal') {
    const email = d.email.trim()
    if (!z.email().safeParse(email).success || email.length > 254)
      throw new PayoutDetailsRefused('e-mail PayPal invalide', 'invalid PayPal email')
    return { payoutMethod: 'paypal', payoutIban: null, payoutBic: null, payoutHolder: null, payoutEmail: email.toLowerCase() }
  }
  const iban = checkIban(d.iban)
  if (!iban.ok) throw new PayoutDetailsRefused(iban.reason, iban.reasonEn)
  const bic = checkBic(d.bic)
  if (!bic.ok) throw new PayoutDetailsRefused(bic.reason, bic.reasonEn)
  const holder = d.holder.trim().replace(/\s+/g, ' ')
  if (holder === '') throw new PayoutDetailsRefused('titulaire du compte manquant', 'holder missing')
  if (holder.length > 70)
    throw new PayoutDetailsRefused('titulaire du compte : 70 caractères au plus (SEPA)', 'holder: at most 70 characters (SEPA)')
  if (!/[A-Za-z]/.test(sepaText(holder, 70)))
    throw new PayoutDetailsRefused('titulaire du compte : en caractères latins (SEPA)', 'holder: Latin characters expected (SEPA)')
  return { payoutMethod: 'sepa', payoutIban: iban.iban, payoutBic: bic.bic, payoutHolder: holder, payoutEmail: null }
}

export interface PayoutDetailsContext {
  database: Pick<Database, 'prisma' | 'provider'>
  actor: string
}

/** Sets a partner's payout details; answers them masked. Audited: who, when, old masked → new masked. */
export async function setPayoutDetails(ctx: PayoutDetailsContext, partnerId: number, input: unknown): Promise<MaskedPayoutDetails> {
  const checked = checkPayoutDetails(input)
  return withPartnerLocked(ctx.database, partnerId, async (tx) => {
    const before = await payoutDetailsOf(tx, partnerId)
    if (!before) throw new NotFound(`partenaire #${partnerId} introuvable`)
    const after = await writePayoutDetails(tx, partnerId, checked)
    const from = maskedSummary(maskedDetails(before))
    const to = maskedSummary(maskedDetails(after))
    await audit(tx, ctx.actor, PAYOUT_DETAILS_AUDIT, `partner:${partnerId}`, { from, to })
    return maskedDetails(after)
  })
}

export interface PayoutDetailsPanel {
  details: MaskedPayoutDetails
  lastChange: { actor: string; at: Date; from: string; to: string } | null
}

/** What the partner page shows: the details masked and their last change. */
export async function payoutDetailsPanel(db: Queryable, partnerId: number): Promise<PayoutDetailsPanel> {
  const [row, last] = await Promise.all([payoutDetailsOf(db, partnerId), lastAuditOf(db, `partner:${partnerId}`, PAYOUT_DETAILS_AUDIT)])
  if (!row) throw new NotFound(`partenaire #${partnerId} introuvable`)
  let lastChange: PayoutDetailsPanel['lastChange'] = null
  if (last) {
    const detail = JSON.parse(last.detail ?? '{}') as { from?: string; to?: string }
    lastChange = { actor: last.actor, at: last.at, from: detail.from ?? '', to: detail.to ?? '' }
  }
  return { details: maskedDetails(row), lastChange }
}
