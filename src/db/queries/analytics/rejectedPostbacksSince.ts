// Postbacks refused (malformed: rejected; bad token or IP: forbidden) received at ≥ since.
import { clientOf, type Queryable } from '../access.ts'

export function rejectedPostbacksSince(db: Queryable, since: Date): Promise<number> {
  return clientOf(db).postbackLog.count({ where: { outcome: { in: ['rejected', 'forbidden'] }, receivedAt: { gte: since } } })
}
