// The links pages' reads: assignments with their partner's and offer's names.
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const named = {
  partner: { select: { id: true, name: true } },
  offer: { select: { id: true, name: true, active: true, network: { select: { slug: true } } } },
} as const satisfies Prisma.AssignmentInclude

export type NamedAssignment = Prisma.AssignmentGetPayload<{ include: typeof named }>

export interface AssignmentFilter {
  partnerId?: number
  offerId?: number
  status?: string
}

/** The newest `take` assignments matching the filter, with names. */
export function namedAssignments(db: Queryable, filter: AssignmentFilter, take: number): Promise<NamedAssignment[]> {
  return clientOf(db).assignment.findMany({
    where: {
      ...(filter.partnerId !== undefined ? { partnerId: filter.partnerId } : {}),
      ...(filter.offerId !== undefined ? { offerId: filter.offerId } : {}),
      ...(filter.status !== undefined ? { status: filter.status } : {}),
    },
    include: named,
    orderBy: { id: 'desc' },
    take,
  })
}

/** Every offer's id, name, network and state, for the pages' selects. */
export function offerChoices(db: Queryable) {
  return clientOf(db).offer.findMany({
    select: { id: true, name: true, active: true, network: { select: { slug: true } } },
    orderBy: [{ name: 'asc' }, { id: 'asc' }],
  })
}

/** Every partner's id and name, for the pages' selects. */
export function partnerChoices(db: Queryable) {
  return clientOf(db).partner.findMany({ select: { id: true, name: true }, orderBy: [{ name: 'asc' }, { id: 'asc' }] })
}
