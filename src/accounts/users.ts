// Accounts: people who sign in to the console, each with a role. Every change
// is audited with the acting account, in the same transaction. Changes that
// must end sessions (disable, password) end them in that transaction too.
import { z } from 'zod'
import type { Database, DbWriter } from '../db/client.ts'
import { isUniqueViolation } from '../db/errors.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { auditOfSubject } from '../db/queries/audit-log.ts'
import { sessionOwner } from '../db/queries/sessions.ts'
import {
  activeOwnersBesides,
  allUsers,
  anyUser,
  insertUser,
  updateUserById,
  userByEmail as userRowByEmail,
  userById as userRowById,
  type UserRow,
} from '../db/queries/users.ts'
import type { AuditLog } from '../db/types.ts'
import { InvalidInput, NotFound, Refused } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { hashPassword, passwordSchema } from './passwords.ts'
import { ROLES, type Role } from './roles.ts'
import { endSession, endSessionsOf } from './sessions.ts'

export interface AccountContext {
  database: Pick<Database, 'prisma'>
  /** Who acts, for the audit log (an account's email, admin-api, cli). */
  actor: string
  /** The acting account, when it is one (it may not disable or demote itself). */
  actorUserId?: number | null
  now?: () => Date
}

export const emailSchema = z
  .string({ error: 'email attendu' })
  .trim()
  .toLowerCase()
  .max(254, 'email : 254 caractères au plus')
  .pipe(z.email({ error: 'email invalide' }))

export const nameSchema = z
  .string({ error: 'nom attendu' })
  .trim()
  .min(1, 'nom requis')
  .max(100, 'nom : 100 caractères au plus')
  // Text only: PostgreSQL refuses NUL, and neither belongs in a name.
  // eslint-disable-next-line no-control-regex -- matching control characters is the point
  .refine((v) => !/[\u0000-\u001f\u007f]|[\ud800-\udfff]/u.test(v), 'nom : caractères de contrôle refusés')
export const roleSchema = z.enum(ROLES, { error: 'rôle : owner, ops ou viewer' })

export const userCreateSchema = z.strictObject({ email: emailSchema, name: nameSchema, role: roleSchema, password: passwordSchema })

export type UserView = UserRow

export async function createUser(ctx: AccountContext, input: unknown): Promise<UserView> {
  const u = userCreateSchema.parse(input)
  const passwordHash = await hashPassword(u.password)
  try {
    return await inTransaction(ctx.database, async (db) => {
      const row = await insertUser(db, { email: u.email, name: u.name, role: u.role, passwordHash })
      await audit(db, ctx.actor, 'user.create', `user:${row.id}`, { email: row.email, role: row.role })
      return row
    })
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refused(`un compte existe déjà pour ${u.email}`)
    throw err
  }
}

export async function listUsers(ctx: { database: Queryable }): Promise<UserView[]> {
  return allUsers(ctx.database)
}

export async function userById(ctx: { database: Queryable }, id: number): Promise<UserView> {
  return lockedUser(ctx.database, id)
}

/** The account of an email (the CLI names accounts by email). */
export async function userByEmail(ctx: { database: Queryable }, email: unknown): Promise<UserView> {
  const address = emailSchema.parse(email ?? '')
  const row = await userRowByEmail(ctx.database, address)
  if (!row) throw new NotFound(`aucun compte pour ${address}`)
  return row
}

/** A fresh install has no account yet (the login page then says how to make the first one). */
export async function noAccountYet(database: Queryable): Promise<boolean> {
  return !(await anyUser(database))
}

/** The audit trail of one account, newest first. */
export function auditOfUser(database: Queryable, id: number): Promise<AuditLog[]> {
  return auditOfSubject(database, `user:${id}`, 50)
}

async function lockedUser(db: Queryable, id: number) {
  const row = await userRowById(db, id)
  if (!row) throw new NotFound(`utilisateur #${id} introuvable`)
  return row
}

/** No change may leave the instance without an active owner. */
async function keepsAnOwner(db: DbWriter, leaving: number): Promise<void> {
  const others = await activeOwnersBesides(db, leaving)
  if (others === 0) throw new Refused('il doit rester au moins un propriétaire actif')
}

function notSelf(ctx: AccountContext, id: number, what: string): void {
  if (ctx.actorUserId === id) throw new Refused(`vous ne pouvez pas ${what} votre propre compte`)
}

export async function changeRole(ctx: AccountContext, id: number, roleInput: unknown): Promise<UserView> {
  const role: Role = roleSchema.parse(roleInput)
  return inTransaction(ctx.database, async (db) => {
    const current = await lockedUser(db, id)
    if (current.role === role) return current
    notSelf(ctx, id, 'changer le rôle de')
    if (current.role === 'owner' && current.disabledAt === null) await keepsAnOwner(db, id)
    const row = await updateUserById(db, id, { role })
    await audit(db, ctx.actor, 'user.role', `user:${id}`, { from: current.role, to: role })
    return row
  })
}

/** Disabling ends every session of the account at once; enabling starts none. */
export async function setDisabled(ctx: AccountContext, id: number, disabled: boolean): Promise<UserView> {
  const now = ctx.now?.() ?? new Date()
  return inTransaction(ctx.database, async (db) => {
    const current = await lockedUser(db, id)
    if ((current.disabledAt !== null) === disabled) return current
    if (disabled) {
      notSelf(ctx, id, 'désactiver')
      if (current.role === 'owner') await keepsAnOwner(db, id)
    }
    const row = await updateUserById(db, id, { disabledAt: disabled ? now : null })
    const ended = disabled ? await endSessionsOf(db, id, now) : 0
    await audit(db, ctx.actor, disabled ? 'user.disable' : 'user.enable', `user:${id}`, disabled ? { sessionsEnded: ended } : undefined)
    return row
  })
}

/** A new password (an owner's reset, or the person's own change): every session of the account ends. */
export async function setPassword(ctx: AccountContext, id: number, passwordInput: unknown): Promise<UserView> {
  const parsed = passwordSchema.safeParse(passwordInput)
  if (!parsed.success) throw new InvalidInput(parsed.error.issues[0]!.message)
  const passwordHash = await hashPassword(parsed.data)
  const now = ctx.now?.() ?? new Date()
  return inTransaction(ctx.database, async (db) => {
    await lockedUser(db, id)
    const row = await updateUserById(db, id, { passwordHash, passwordChangedAt: now })
    const ended = await endSessionsOf(db, id, now)
    await audit(db, ctx.actor, 'user.password', `user:${id}`, { sessionsEnded: ended })
    return row
  })
}

/** An owner ends one session of an account. */
export async function revokeSession(ctx: AccountContext, userId: number, sessionId: unknown): Promise<void> {
  if (typeof sessionId !== 'string' || !/^[0-9a-f]{64}$/.test(sessionId)) throw new InvalidInput('session invalide')
  const now = ctx.now?.() ?? new Date()
  await inTransaction(ctx.database, async (db) => {
    const session = await sessionOwner(db, sessionId)
    if (!session || session.userId !== userId) throw new NotFound('session introuvable')
    if (!(await endSession(db, sessionId, now))) throw new Refused('session déjà terminée')
    await audit(db, ctx.actor, 'session.revoke', `user:${userId}`, { session: sessionId.slice(0, 12) })
  })
}
