// pending/approved/posted/failed: assignments by status, in one grouped count.
import type { Db } from '../db/client.ts'

export interface PipelineCounts {
  pending: number
  approved: number
  posted: number
  failed: number
}

export async function assignmentsByStatus(db: Db): Promise<PipelineCounts> {
  // Unlike the sketch, a database error is not turned into zeros: a wrong page is
  // worse than an error page.
  const groups = await db.assignment.groupBy({ by: ['status'], _count: { _all: true } })
  const counts: PipelineCounts = { pending: 0, approved: 0, posted: 0, failed: 0 }
  for (const g of groups) if (g.status in counts) counts[g.status as keyof PipelineCounts] = g._count._all
  return counts
}
