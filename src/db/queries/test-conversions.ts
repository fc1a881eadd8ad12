// The test conversions a network page fired (txn ids starting with TEST-), newest first.
import { clientOf, type Queryable } from './access.ts'

export const TEST_TXN_PREFIX = 'TEST-'

export function testConversionsOf(db: Queryable, networkId: number, take: number) {
  return clientOf(db).walletEntry.findMany({
    where: { networkId, type: 'conversion', txnId: { startsWith: TEST_TXN_PREFIX } },
    orderBy: { id: 'desc' },
    take,
    select: { id: true, txnId: true, status: true, amountCents: true, flag: true, partnerId: true, createdAt: true },
  })
}
