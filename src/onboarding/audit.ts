// Onboarding changes go to the audit log with the change itself (same
// transaction): who changed which network, offer or assignment, and how.
import type { DbWriter } from '../db/client.ts'
import { appendAudit } from '../db/queries/audit-log.ts'

export async function audit(db: DbWriter, actor: string, action: string, subject: string, detail?: unknown): Promise<void> {
  await appendAudit(db, { actor, action, subject, detail: detail === undefined ? null : JSON.stringify(detail) })
}
