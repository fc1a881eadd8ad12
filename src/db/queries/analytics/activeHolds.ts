// Partners on hold now: active "hold" flags (not lifted).
import { clientOf, type Queryable } from '../access.ts'

export function activeHolds(db: Queryable): Promise<number> {
  return clientOf(db).partnerFlag.count({ where: { flag: 'hold', clearedAt: null } })
}
