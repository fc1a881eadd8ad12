// A partner chosen in a console form: the id the suggestion list puts in the
// field ("12", "#12"), or a name (or part of one, or an e-mail) that only one
// partner matches. Plus the suggestions themselves.
import type { Queryable } from '../db/queries/access.ts'
import { firstPartnerIds, partnersByIds, searchPartnerIds } from '../db/queries/partners.ts'
import { InvalidInput } from '../errors.ts'

/** How many partners the suggestion list offers (a name typed in full still finds the others). */
export const SUGGESTED_PARTNERS = 1000

export async function partnerSuggestions(db: Queryable): Promise<{ id: number; name: string }[]> {
  const partners = await partnersByIds(db, await firstPartnerIds(db, SUGGESTED_PARTNERS))
  return partners.map((p) => ({ id: p.id, name: p.name }))
}

/** The partner a form names; a clear French refusal when none or several match. */
export async function choosePartner(db: Queryable, input: string): Promise<{ id: number; name: string }> {
  const text = input.trim().slice(0, 100)
  if (text === '') throw new InvalidInput('choisissez un partenaire')
  const byId = /^#?(\d{1,9})$/.exec(text)
  if (byId) {
    const [p] = await partnersByIds(db, [Number(byId[1])])
    if (!p) throw new InvalidInput(`partenaire #${byId[1]} introuvable`)
    return { id: p.id, name: p.name }
  }
  const ids = await searchPartnerIds(db, text.toLowerCase(), null, 20)
  const found = await partnersByIds(db, ids)
  const exact = found.filter((p) => p.name.trim().toLowerCase() === text.toLowerCase())
  const only = exact.length === 1 ? exact[0] : found.length === 1 ? found[0] : undefined
  if (only) return { id: only.id, name: only.name }
  if (found.length === 0) throw new InvalidInput(`aucun partenaire ne correspond à « ${text} »`)
  throw new InvalidInput(`plusieurs partenaires correspondent à « ${text} » : choisissez-en un dans la liste (ou son numéro)`)
}
