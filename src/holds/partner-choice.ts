// Choosing a partner in a form by what people know of them: a name or an e-mail
// (typed, or picked from the suggestions, which read "Name — email (#12)"), or
// still the number. Ambiguous or unknown text is refused with the candidates,
// never guessed.
import type { Queryable } from '../db/queries/access.ts'
import { partnerById, partnersByIds, partnersByName, searchPartnerIds, type PartnerIdentity } from '../db/queries/partners.ts'
import { InvalidInput } from '../errors.ts'

/** How many partners a form suggests (beyond that, typing part of a name still finds them). */
export const PARTNER_SUGGESTIONS = 1000

/** The text of a suggestion: unique thanks to the number at its end. */
export function partnerChoiceLabel(p: Pick<PartnerIdentity, 'id' | 'name' | 'email'>): string {
  return `${p.name}${p.email ? ` — ${p.email}` : ''} (#${p.id})`
}

export function partnerSuggestions(db: Queryable, take = PARTNER_SUGGESTIONS): Promise<PartnerIdentity[]> {
  return partnersByName(db, take)
}

/** The partner a form's text designates; refused (in French) when none or several match. */
export async function resolvePartnerChoice(db: Queryable, input: string): Promise<PartnerIdentity> {
  const text = input.trim().slice(0, 300)
  if (text === '') throw new InvalidInput('Partenaire : choisissez un partenaire (nom, e-mail ou n°)')
  // A suggestion ("… (#12)"), "#12" or "12": the number decides.
  const numbered = /(?:^|\(#|^#)(\d{1,10})\)?$/.exec(text)
  if (numbered) {
    const id = Number(numbered[1])
    const partner = id <= 2_147_483_647 ? await partnerById(db, id) : null
    if (!partner) throw new InvalidInput(`Partenaire : aucun partenaire n°${numbered[1]}`)
    return partner
  }
  const term = text.toLowerCase()
  const ids = await searchPartnerIds(db, term, null, 11)
  const found = await partnersByIds(db, ids)
  const exact = found.filter((p) => p.name.toLowerCase() === term || p.email?.toLowerCase() === term)
  if (exact.length === 1) return exact[0]!
  if (found.length === 1) return found[0]!
  if (found.length === 0) throw new InvalidInput(`Partenaire : aucun partenaire ne correspond à « ${text.slice(0, 80)} »`)
  const shown = found.slice(0, 5).map(partnerChoiceLabel).join(', ')
  throw new InvalidInput(
    `Partenaire : plusieurs partenaires correspondent à « ${text.slice(0, 80)} » (${shown}${found.length > 5 ? ', …' : ''}) ; précisez`,
  )
}
