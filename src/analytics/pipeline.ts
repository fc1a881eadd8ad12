// pending/approved/posted/failed: assignments by status, in one grouped count.
import type { Queryable } from '../db/queries/access.ts'
import { assignmentsByStatus as countByStatus } from '../db/queries/analytics/assignmentsByStatus.ts'

export interface PipelineCounts {
  pending: number
  approved: number
  posted: number
  failed: number
}

export async function assignmentsByStatus(db: Queryable): Promise<PipelineCounts> {
  // Unlike the sketch, a database error is not turned into zeros: a wrong page is
  // worse than an error page.
  const groups = await countByStatus(db)
  const counts: PipelineCounts = { pending: 0, approved: 0, posted: 0, failed: 0 }
  for (const [status, n] of groups) if (status in counts) counts[status as keyof PipelineCounts] = n
  return counts
}
