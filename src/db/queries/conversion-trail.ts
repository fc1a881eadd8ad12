// Where a conversion came from, for its console page: the postback log lines its
// history names (by primary key) and the click its sub-id carried (by the unique
// click id). Never a scan of either log.
import { clientOf, type Queryable } from './access.ts'

/** These log lines, oldest first. */
export function postbackLogsByIds(db: Queryable, ids: readonly number[]) {
  if (ids.length === 0) return Promise.resolve([])
  return clientOf(db).postbackLog.findMany({
    where: { id: { in: [...ids] } },
    orderBy: { id: 'asc' },
    select: {
      id: true,
      method: true,
      rawQuery: true,
      rawBody: true,
      sourceIp: true,
      networkSlug: true,
      outcome: true,
      reason: true,
      receivedAt: true,
      replayedAt: true,
    },
  })
}

/** One click event by its click id. */
export function clickEventById(db: Queryable, clickId: string) {
  return clientOf(db).metricEvent.findUnique({
    where: { clickId },
    select: {
      clickId: true,
      kind: true,
      ts: true,
      partnerId: true,
      assignmentId: true,
      offerId: true,
      userAgent: true,
      referer: true,
      isUnique: true,
    },
  })
}
