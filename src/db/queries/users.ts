// Console accounts: reads and writes of the users table. A password hash leaves
// only through userCredentials, for the sign-in.
import type { DbWriter } from '../client.ts'
import type { Prisma } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

const view = { id: true, email: true, name: true, role: true, disabledAt: true, passwordChangedAt: true, createdAt: true } as const
/** An account as the console shows it (no password hash). */
export type UserRow = Prisma.UserGetPayload<{ select: typeof view }>

export function insertUser(db: DbWriter, data: { email: string; name: string; role: string; passwordHash: string }): Promise<UserRow> {
  return db.user.create({ data, select: view })
}

/** Every account, by id. */
export function allUsers(db: Queryable): Promise<UserRow[]> {
  return clientOf(db).user.findMany({ select: view, orderBy: { id: 'asc' } })
}

export function userById(db: Queryable, id: number): Promise<UserRow | null> {
  return clientOf(db).user.findUnique({ where: { id }, select: view })
}

export function userByEmail(db: Queryable, email: string): Promise<UserRow | null> {
  return clientOf(db).user.findUnique({ where: { email }, select: view })
}

/** What signing in checks: the hash and whether the account is disabled. */
export function userCredentials(
  db: Queryable,
  email: string,
): Promise<{ id: number; email: string; passwordHash: string; disabledAt: Date | null } | null> {
  return clientOf(db).user.findUnique({ where: { email }, select: { id: true, email: true, passwordHash: true, disabledAt: true } })
}

export async function anyUser(db: Queryable): Promise<boolean> {
  return (await clientOf(db).user.findFirst({ select: { id: true } })) !== null
}

/** Active owners other than `userId`. */
export function activeOwnersBesides(db: Queryable, userId: number): Promise<number> {
  return clientOf(db).user.count({ where: { role: 'owner', disabledAt: null, id: { not: userId } } })
}

export function updateUserById(
  db: DbWriter,
  id: number,
  data: { role?: string; disabledAt?: Date | null; passwordHash?: string; passwordChangedAt?: Date },
): Promise<UserRow> {
  return db.user.update({ where: { id }, data, select: view })
}
