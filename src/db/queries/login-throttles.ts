// Login throttling: failures per (email, address) key, in login_throttles.
import type { LoginThrottle } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export function throttleOf(db: Queryable, key: string): Promise<LoginThrottle | null> {
  return clientOf(db).loginThrottle.findUnique({ where: { key } })
}

export async function clearThrottle(db: Queryable, key: string): Promise<void> {
  await clientOf(db).loginThrottle.deleteMany({ where: { key } })
}

export async function saveThrottle(db: Queryable, row: LoginThrottle): Promise<void> {
  const { key, ...state } = row
  await clientOf(db).loginThrottle.upsert({ where: { key }, create: row, update: state })
}

/** Forgets keys whose last failure is before `before`. */
export async function deleteThrottlesBefore(db: Queryable, before: Date): Promise<void> {
  await clientOf(db).loginThrottle.deleteMany({ where: { lastFailureAt: { lt: before } } })
}
