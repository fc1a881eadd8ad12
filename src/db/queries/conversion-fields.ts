// The fields of a conversion entry that the read API and the console's list show,
// selected alike by the queries of both (src/ledger maps them to one view).
import type { Prisma } from '../types.ts'

/** A conversion's own fields, as the read API and the console's list show them. */
export const conversionFields = {
  id: true,
  txnId: true,
  partnerId: true,
  clickId: true,
  status: true,
  amountCents: true,
  revenueCents: true,
  termsMode: true,
  termsValue: true,
  originalAmount: true,
  originalCurrency: true,
  fxRate: true,
  flag: true,
  createdAt: true,
  network: { select: { slug: true } },
} as const satisfies Prisma.WalletEntrySelect

export type ConversionRow = Prisma.WalletEntryGetPayload<{ select: typeof conversionFields }>
