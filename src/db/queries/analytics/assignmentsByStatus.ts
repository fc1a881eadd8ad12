// Assignments per status, in one grouped count (statuses without one are absent).
import { clientOf, type Queryable } from '../access.ts'

export async function assignmentsByStatus(db: Queryable, filter: { partnerId?: number } = {}): Promise<Map<string, number>> {
  const groups = await clientOf(db).assignment.groupBy({
    by: ['status'],
    ...(filter.partnerId === undefined ? {} : { where: { partnerId: filter.partnerId } }),
    _count: { _all: true },
  })
  return new Map(groups.map((g) => [g.status, g._count._all]))
}
