// A user's journal in the console's words: the audit log's action ids and JSON
// details ("user.role", {"from":"ops","to":"owner"}) as a person reads them.
import type { AuditLog } from '../db/types.ts'
import { isRole, ROLE_LABELS } from '../accounts/roles.ts'

export interface UserAuditLine {
  at: Date
  actor: string
  action: string
  detail: string
}

const ACTIONS: Record<string, string> = {
  'user.create': 'compte créé',
  'user.role': 'rôle changé',
  'user.disable': 'compte désactivé',
  'user.enable': 'compte réactivé',
  'user.password': 'mot de passe réinitialisé',
  'session.revoke': 'session terminée',
}

const role = (v: unknown) => (isRole(v) ? ROLE_LABELS[v] : typeof v === 'string' ? v : '')
const sessions = (n: unknown) => (typeof n === 'number' ? `${n} session${n > 1 ? 's' : ''} terminée${n > 1 ? 's' : ''}` : '')

function detailOf(action: string, d: Record<string, unknown>): string {
  switch (action) {
    case 'user.create':
      return [typeof d.email === 'string' ? d.email : '', d.role ? `rôle ${role(d.role)}` : ''].filter(Boolean).join(', ')
    case 'user.role':
      return `${role(d.from)} → ${role(d.to)}`
    case 'user.disable':
    case 'user.password':
      return sessions(d.sessionsEnded)
    case 'session.revoke':
      return typeof d.session === 'string' ? `session ${d.session}…` : ''
    default:
      return Object.entries(d)
        .map(([k, v]) => `${k} : ${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(', ')
  }
}

export function userAuditLine(a: Pick<AuditLog, 'at' | 'actor' | 'action' | 'detail'>): UserAuditLine {
  let parsed: Record<string, unknown> = {}
  try {
    const value: unknown = a.detail ? JSON.parse(a.detail) : {}
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) parsed = value as Record<string, unknown>
  } catch {
    return { at: a.at, actor: a.actor, action: ACTIONS[a.action] ?? a.action, detail: a.detail ?? '' }
  }
  return { at: a.at, actor: a.actor, action: ACTIONS[a.action] ?? a.action, detail: detailOf(a.action, parsed) }
}
