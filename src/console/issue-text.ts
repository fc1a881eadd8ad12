// Input issues as people read them on console pages: the field's French label
// instead of its id, and French words for zod's common issue codes. A schema's
// own (already French) message is kept; zod's English defaults are replaced.
// The JSON API does not come here: it keeps the field ids and zod's English.
import type { InputIssue } from '../http/input-issues.ts'

/** Form fields and query parameters of the console, by name (the last segment of an issue's path). */
export const FIELD_LABELS: Record<string, string> = {
  id: 'Numéro',
  partner: 'Partenaire',
  partnerId: 'Partenaire',
  offer: 'Offre',
  offerId: 'Offre',
  network: 'Réseau',
  networkId: 'Réseau',
  assignment: 'Lien',
  assignmentId: 'Lien',
  payout: 'Payout',
  reason: 'Motif',
  reference: 'Référence du virement',
  amount: 'Montant',
  amountCents: 'Montant',
  email: 'E-mail',
  name: 'Nom',
  role: 'Rôle',
  password: 'Mot de passe',
  session: 'Session',
  status: 'Statut',
  from: 'Date de début',
  to: 'Date de fin',
  day: 'Jour',
  page: 'Page',
  q: 'Recherche',
  slug: 'Identifiant',
  url: 'URL',
  subidParam: 'Paramètre de sub-id',
  defaultCurrency: 'Devise par défaut',
  currency: 'Devise',
  token: 'Jeton',
  allowedIps: 'Adresses autorisées',
  txnId: 'Transaction',
  flag: 'Signalement',
  file: 'Fichier',
}

/** zod's own English messages (any other message was written for people by the schema's author). */
const ZOD_DEFAULT = /^(Invalid|Too (big|small)|Unrecognized key|Expected|Required)/

const num = (v: unknown) => (typeof v === 'number' || typeof v === 'bigint' ? String(v).replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0') : '?')

/** French words for zod's common issue codes. */
export function frenchIssueMessage(issue: Pick<InputIssue, 'code' | 'message' | 'params'>): string {
  if (issue.message && !ZOD_DEFAULT.test(issue.message)) return issue.message
  const p = issue.params ?? {}
  switch (issue.code) {
    case 'invalid_type':
      if (p.expected === 'number' || p.expected === 'int' || p.expected === 'bigint') return 'nombre attendu'
      if (p.expected === 'date') return 'date attendue'
      return 'obligatoire'
    case 'too_small':
      if (p.origin === 'string') return Number(p.minimum) <= 1 ? 'obligatoire' : `au moins ${num(p.minimum)} caractères`
      if (p.origin === 'array' || p.origin === 'set') return `au moins ${num(p.minimum)} éléments`
      if (p.origin === 'date') return 'date trop ancienne'
      if (Number(p.minimum) === 0 && p.inclusive === false) return 'doit être supérieur à 0'
      return p.inclusive === false ? `doit être supérieur à ${num(p.minimum)}` : `au moins ${num(p.minimum)}`
    case 'too_big':
      if (p.origin === 'string') return `${num(p.maximum)} caractères au plus`
      if (p.origin === 'array' || p.origin === 'set') return `${num(p.maximum)} éléments au plus`
      if (p.origin === 'date') return 'date trop lointaine'
      return p.inclusive === false ? `doit être inférieur à ${num(p.maximum)}` : `${num(p.maximum)} au plus`
    case 'invalid_value':
      return 'choix invalide'
    case 'invalid_format':
      if (p.format === 'email') return 'adresse e-mail invalide'
      if (p.format === 'url') return 'URL invalide'
      if (p.format === 'date' || p.format === 'datetime') return 'date invalide'
      return 'format invalide'
    case 'not_multiple_of':
      return 'nombre entier attendu'
    case 'unrecognized_keys':
      return 'champ inconnu'
    default:
      return 'valeur invalide'
  }
}

/** Whether the message begins with this word ("nom : 100 caractères au plus", "email invalide"). */
function namesField(message: string, word: string): boolean {
  const m = message.toLowerCase()
  const w = word.toLowerCase()
  return w !== '' && m.startsWith(w) && !/\p{L}/u.test(m.charAt(w.length))
}

/** "Motif : au moins 3 caractères" — the label once, even when the schema's message already names the field. */
export function issueText(issue: InputIssue): string {
  const message = frenchIssueMessage(issue)
  const name = issue.path.split('.').at(-1) ?? ''
  const label = FIELD_LABELS[name]
  if (!label || namesField(message, label) || namesField(message, name)) return message.charAt(0).toUpperCase() + message.slice(1)
  return `${label} : ${message}`
}

/** Every issue of a refused input, for a flash message or the error page. */
export function issuesText(issues: readonly InputIssue[]): string {
  return issues.map(issueText).join(' ; ')
}
