// The French words of the console for the ledger's English values (statuses,
// flags, where a change came from, postback outcomes): one place, so every page
// says the same thing. An unknown value is shown as stored rather than hidden.
import { percentText, type Terms } from '../terms/rules.ts'
import { formatCents } from '../format/money.ts'
import { CONVERSION_STATUSES } from '../ledger/transitions.ts'

export const CONVERSION_STATUS_LABELS: Record<(typeof CONVERSION_STATUSES)[number], string> = {
  pending: 'en attente',
  confirmed: 'confirmée',
  rejected: 'rejetée',
  reversed: 'annulée',
}

/** Why a conversion needs a look (wallet_entries.flag, ledger/plan.ts ConversionFlag). */
export const CONVERSION_FLAG_LABELS: Record<string, string> = {
  unknown_partner: 'partenaire inconnu',
  unknown_click: 'clic inconnu',
  click_mismatch: "clic d'un autre réseau",
  bot_click: "clic d'un robot",
}

/** Where a change to an entry came from (wallet_entry_history.source). */
export const HISTORY_SOURCE_LABELS: Record<string, string> = {
  postback: 'postback',
  replay: 'rejeu',
  import: 'import',
  console: 'console',
}

/** A postback log line's verdict (postback_logs.outcome). */
export const POSTBACK_OUTCOME_LABELS: Record<string, string> = {
  received: 'reçu',
  accepted: 'accepté',
  duplicate: 'doublon',
  updated: 'mis à jour',
  rejected: 'refusé',
  forbidden: 'interdit',
  error: 'erreur',
}

/** Kinds of click events (metric_events.kind). */
export const CLICK_KIND_LABELS: Record<string, string> = { click: 'clic', bot: 'robot' }

/** The words the console's own history steps carry (ledger/corrections.ts), in French. */
export function consoleWordLabel(word: string | null | undefined): string {
  if (!word) return ''
  const assigned = /^assigned to partner #(\d+)$/.exec(word)
  if (assigned) return `attribuée au partenaire #${assigned[1]}`
  return { 'status corrected': 'statut corrigé', 'amount corrected': 'montant corrigé', adjustment: 'ajustement' }[word] ?? word
}

const labelOf = (labels: Record<string, string>) => (value: string | null | undefined) =>
  value === null || value === undefined ? '' : (labels[value] ?? value)

export const statusLabel = labelOf(CONVERSION_STATUS_LABELS)
export const flagLabel = labelOf(CONVERSION_FLAG_LABELS)
export const sourceLabel = labelOf(HISTORY_SOURCE_LABELS)
export const outcomeLabel = labelOf(POSTBACK_OUTCOME_LABELS)
export const clickKindLabel = labelOf(CLICK_KIND_LABELS)

/** Everything a page needs to word these values (handed to the views as `it.labels`). */
export const labels = {
  status: statusLabel,
  flag: flagLabel,
  source: sourceLabel,
  outcome: outcomeLabel,
  clickKind: clickKindLabel,
  consoleWord: consoleWordLabel,
  statuses: CONVERSION_STATUSES,
  flags: Object.keys(CONVERSION_FLAG_LABELS),
}

/** Commission terms as the console writes them (the API keeps mode and value). */
export function termsText(terms: Terms): string {
  switch (terms.mode) {
    case 'revshare':
      return `partage de revenu ${percentText(terms.value).replace('.', ',')} %`
    case 'cpa':
      return `CPA ${formatCents(terms.value)} par conversion confirmée`
    case 'cpc':
      return `CPC ${formatCents(terms.value)} par clic unique : la conversion ne rapporte rien`
  }
}
