// One partner's conversion entries created since `from`: status, amount and
// instant only, read from the (partner, type, status, created_at, amount) index.
import { clientOf, type Queryable } from '../access.ts'

export function partnerConversionsSince(
  db: Queryable,
  partnerId: number,
  from: Date,
): Promise<{ status: string; amountCents: number; createdAt: Date }[]> {
  return clientOf(db).walletEntry.findMany({
    where: { partnerId, type: 'conversion', createdAt: { gte: from } },
    select: { status: true, amountCents: true, createdAt: true },
  })
}
