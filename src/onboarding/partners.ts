// Partners (publishers): who earns from the clicks they send.
import { z } from 'zod'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { allPartners, insertPartner, partnerById, type PartnerIdentity } from '../db/queries/partners.ts'
import { updatePartnerById } from '../db/queries/partner-edits.ts'
import { NotFound } from '../errors.ts'
import { audit } from './audit.ts'
import type { OnboardingContext } from './networks.ts'

export const partnerCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
})

export type PartnerView = PartnerIdentity

export async function createPartner(ctx: OnboardingContext, input: unknown): Promise<PartnerView> {
  const p = partnerCreateSchema.parse(input)
  return inTransaction(ctx.database, async (db) => {
    const row = await insertPartner(db, { name: p.name, email: p.email ?? null })
    await audit(db, ctx.actor, 'partner.create', `partner:${row.id}`)
    return row
  })
}

/** Name and e-mail replaced (a blank e-mail removes it); audited with what changed. */
export const partnerUpdateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).nullable(),
})

export async function updatePartner(ctx: OnboardingContext, id: number, input: unknown): Promise<PartnerView> {
  const p = partnerUpdateSchema.parse(input)
  return inTransaction(ctx.database, async (db) => {
    const current = await partnerById(db, id)
    if (!current) throw new NotFound(`partenaire #${id} introuvable`)
    const row = await updatePartnerById(db, id, { name: p.name, email: p.email })
    const changed = [...(current.name !== row.name ? ['name'] : []), ...(current.email !== row.email ? ['email'] : [])]
    await audit(db, ctx.actor, 'partner.update', `partner:${id}`, { changed })
    return row
  })
}

export async function listPartners(ctx: { database: Queryable }): Promise<PartnerView[]> {
  return allPartners(ctx.database)
}

/** The partner's name, or null when there is no such partner. */
export async function partnerNameOf(database: Queryable, id: number): Promise<string | null> {
  return (await partnerById(database, id))?.name ?? null
}
