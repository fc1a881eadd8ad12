// A partner's payout details (how the partner is paid) and the last change to
// them: reads and writes of the partners table's payout columns.
import type { DbWriter } from '../client.ts'
import type { AuditLog, Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const details = {
  id: true,
  name: true,
  payoutMethod: true,
  payoutIban: true,
  payoutBic: true,
  payoutHolder: true,
  payoutEmail: true,
} as const
/** A partner's payout columns, with its id and name. */
export type PayoutDetailsRow = Prisma.PartnerGetPayload<{ select: typeof details }>

export function payoutDetailsOf(db: Queryable, partnerId: number): Promise<PayoutDetailsRow | null> {
  return clientOf(db).partner.findUnique({ where: { id: partnerId }, select: details })
}

export function payoutDetailsOfPartners(db: Queryable, partnerIds: readonly number[]): Promise<PayoutDetailsRow[]> {
  return clientOf(db).partner.findMany({ where: { id: { in: [...partnerIds] } }, select: details, orderBy: { id: 'asc' } })
}

export async function writePayoutDetails(
  db: DbWriter,
  partnerId: number,
  data: {
    payoutMethod: string
    payoutIban: string | null
    payoutBic: string | null
    payoutHolder: string | null
    payoutEmail: string | null
  },
): Promise<PayoutDetailsRow> {
  return db.partner.update({ where: { id: partnerId }, data, select: details })
}

/** The newest audit line of `action` about `subject`, or null. */
export function lastAuditOf(db: Queryable, subject: string, action: string): Promise<AuditLog | null> {
  return clientOf(db).auditLog.findFirst({ where: { subject, action }, orderBy: { id: 'desc' } })
}
