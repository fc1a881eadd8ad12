// One partner's earning entries (conversions, and click earnings under CPC terms)
// created since `from`: type, status, amount and instant only, read from the
// (partner, type, status, created_at, amount) index.
import { clientOf, type Queryable } from '../access.ts'

export function partnerConversionsSince(
  db: Queryable,
  partnerId: number,
  from: Date,
): Promise<{ type: string; status: string; amountCents: number; createdAt: Date }[]> {
  return clientOf(db).walletEntry.findMany({
    where: { partnerId, type: { in: ['conversion', 'click_earnings'] }, createdAt: { gte: from } },
    select: { type: true, status: true, amountCents: true, createdAt: true },
  })
}
