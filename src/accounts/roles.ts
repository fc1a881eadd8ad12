// What each role may do, in one place: the console's hooks ask refusalFor()
// before any route runs (src/plugins/page-hooks.ts).
//   owner  — everything, including users (and settings)
//   ops    — everything else: payouts, holds, conversions, onboarding
//   viewer — every page, no state change
export const ROLES = ['owner', 'ops', 'viewer'] as const
export type Role = (typeof ROLES)[number]

export const ROLE_LABELS: Record<Role, string> = { owner: 'propriétaire', ops: 'ops', viewer: 'lecture seule' }

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value)
}

const READS = new Set(['GET', 'HEAD'])

/** Why this role may not make this request, in one line; null when it may. */
export function refusalFor(role: Role, request: { method: string; ownerOnly: boolean }): string | null {
  if (request.ownerOnly && role !== 'owner')
    return `réservé aux propriétaires : votre rôle (${ROLE_LABELS[role]}) ne donne pas accès aux utilisateurs ni aux réglages`
  if (role === 'viewer' && !READS.has(request.method))
    return `votre rôle (${ROLE_LABELS.viewer}) permet de tout consulter mais aucune modification : demandez à un propriétaire`
  return null
}
