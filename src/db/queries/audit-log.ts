// The audit log: who changed what, written in the transaction of the change.
import type { DbWriter } from '../client.ts'
import type { AuditLog } from '../types.ts'
import { clientOf, type Queryable } from './access.ts'

export interface AuditEntry {
  actor: string
  action: string
  subject: string
  /** JSON text, or null. */
  detail: string | null
}

export async function appendAudit(db: DbWriter, entry: AuditEntry): Promise<void> {
  await db.auditLog.create({ data: entry })
}

/** The newest entries about one subject ("user:12"), newest first. */
export function auditOfSubject(db: Queryable, subject: string, take = 50): Promise<AuditLog[]> {
  return clientOf(db).auditLog.findMany({ where: { subject }, orderBy: { id: 'desc' }, take })
}

/** The newest entries of these actions, newest first. */
export function auditOfActions(db: Queryable, actions: readonly string[], take: number): Promise<AuditLog[]> {
  return clientOf(db).auditLog.findMany({ where: { action: { in: [...actions] } }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take })
}
