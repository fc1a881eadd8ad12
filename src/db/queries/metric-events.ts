// Reading click events for the console and the CLI (the redirector writes them
// through the hot path, src/db/hot).
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const listed = { id: true, kind: true, ts: true, clickId: true, assignmentId: true, offerId: true, referer: true, isUnique: true } as const
export type EventRow = Prisma.MetricEventGetPayload<{ select: typeof listed }>

/** A partner's latest events (clicks and bots), newest first. */
export function recentEventsOf(db: Queryable, partnerId: number, take: number): Promise<EventRow[]> {
  return clientOf(db).metricEvent.findMany({ where: { partnerId }, orderBy: [{ ts: 'desc' }, { id: 'desc' }], take, select: listed })
}

/** The newest click on one of these offers: who sent it, through which assignment. */
export function latestClickOn(
  db: Queryable,
  offerIds: readonly number[],
): Promise<{ partnerId: number | null; assignmentId: number | null; clickId: string } | null> {
  return clientOf(db).metricEvent.findFirst({
    where: { kind: 'click', offerId: { in: [...offerIds] } },
    orderBy: { id: 'desc' },
    select: { partnerId: true, assignmentId: true, clickId: true },
  })
}
