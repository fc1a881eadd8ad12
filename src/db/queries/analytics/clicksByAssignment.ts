// Clicks (kind "click") with ts ≥ since on these partners' links, per assignment:
// read through the (partner_id, ts) index, so the cost is these partners' window.
import { clientOf, type Queryable } from '../access.ts'

export async function clicksByAssignment(db: Queryable, partnerIds: readonly number[], since: Date): Promise<Map<number, number>> {
  if (partnerIds.length === 0) return new Map()
  const rows = await clientOf(db).metricEvent.groupBy({
    by: ['assignmentId'],
    where: { partnerId: { in: [...partnerIds] }, kind: 'click', ts: { gte: since } },
    _count: { _all: true },
  })
  return new Map(rows.flatMap((r) => (r.assignmentId === null ? [] : [[r.assignmentId, r._count._all] as const])))
}
