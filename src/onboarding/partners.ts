// Partners (publishers): who earns from the clicks they send.
import { z } from 'zod'
import { audit } from './audit.ts'
import type { OnboardingContext } from './networks.ts'

export const partnerCreateSchema = z.strictObject({
  name: z.string().trim().min(1).max(200),
  email: z.email().max(254).optional(),
})

export interface PartnerView {
  id: number
  name: string
  email: string | null
  createdAt: Date
}

export async function createPartner(ctx: OnboardingContext, input: unknown): Promise<PartnerView> {
  const p = partnerCreateSchema.parse(input)
  return ctx.database.prisma.$transaction(async (db) => {
    const row = await db.partner.create({
      data: { name: p.name, email: p.email ?? null },
      select: { id: true, name: true, email: true, createdAt: true },
    })
    await audit(db, ctx.actor, 'partner.create', `partner:${row.id}`)
    return row
  })
}

export async function listPartners(ctx: Pick<OnboardingContext, 'database'>): Promise<PartnerView[]> {
  return ctx.database.prisma.partner.findMany({ select: { id: true, name: true, email: true, createdAt: true }, orderBy: { id: 'asc' } })
}
