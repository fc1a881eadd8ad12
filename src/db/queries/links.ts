// A tracking link as the redirector resolves it: the assignment by its code,
// with its offer and the offer's network (what the target URL is built from).
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const linkSelect = {
  id: true,
  partnerId: true,
  offerId: true,
  status: true,
  offer: { select: { url: true, active: true, network: { select: { id: true, subidParam: true, subidSeparator: true } } } },
} as const satisfies Prisma.AssignmentSelect

export type LinkRow = Prisma.AssignmentGetPayload<{ select: typeof linkSelect }>

export function linkByCode(db: Queryable, code: string): Promise<LinkRow | null> {
  return clientOf(db).assignment.findUnique({ where: { code }, select: linkSelect })
}
