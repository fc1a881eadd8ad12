// The console's navigation: every page's menu, and the error page's.
import type { Role } from '../accounts/roles.ts'

export const NAV = [
  { key: 'monitoring', href: '/admin/monitoring', label: 'Monitoring' },
  { key: 'pending', href: '/ops/payouts/pending', label: 'Payouts à valider' },
  { key: 'holds', href: '/ops/holds', label: 'Holds' },
  { key: 'journal', href: '/admin/payouts', label: 'Journal des payouts' },
  { key: 'partners', href: '/admin/partners', label: 'Partenaires' },
  { key: 'conversions', href: '/admin/conversions', label: 'Conversions' },
  { key: 'postbacks', href: '/admin/postbacks', label: 'Postbacks' },
  { key: 'networks', href: '/admin/networks', label: 'Réseaux' },
  { key: 'offers', href: '/admin/offers', label: 'Offres' },
  { key: 'assignments', href: '/admin/assignments', label: 'Liens' },
  { key: 'reports', href: '/admin/reports', label: 'Rapports' },
  { key: 'users', href: '/admin/users', label: 'Utilisateurs', ownerOnly: true },
] as const

export type NavKey = (typeof NAV)[number]['key'] | 'none'

/** The navigation an account sees: owners' pages only for owners. */
export function navFor(account: { role: Role } | null | undefined) {
  return NAV.filter((item) => !('ownerOnly' in item) || account?.role === 'owner')
}
