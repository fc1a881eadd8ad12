// The onboarding pages speak to people in French: the domain's refusals (zod
// issues named by field, English one-liners shared with the JSON API and the CLI)
// are reworded here, naming the field by its label on the page, never its id.
import { ZodError, type z } from 'zod'
import { DomainError, InvalidInput, NotFound, Refused } from '../errors.ts'

/** Each field as the page names it, with its article (the messages start with it). */
const LABELS: Record<string, string> = {
  slug: "L'identifiant",
  name: 'Le nom',
  email: "L'e-mail",
  url: "L'URL de l'annonceur",
  network: 'Le réseau',
  partnerId: 'Le partenaire',
  offerId: "L'offre",
  status: 'Le statut',
  subidParam: 'Le paramètre de sub-id',
  subidSeparator: 'Le séparateur du sub-id',
  postbackToken: 'Le jeton',
  allowedIps: "La liste d'adresses IP",
  defaultCurrency: 'La devise par défaut',
  decimalSeparator: 'Le séparateur décimal',
  statusWords: 'Les mots de statut',
  preset: 'Le modèle',
  fieldMap: 'La correspondance des champs',
  dedupeBy: 'Le dédoublonnage',
  content: 'Le contenu',
}

/** What a malformed value should look like, where the label alone does not say it. */
const FORMATS: Record<string, string> = {
  slug: 'lettres minuscules, chiffres, « - » ou « _ », 40 au plus, sans espace',
  subidParam: 'un nom de paramètre : lettres, chiffres, « _ . - [ ] »',
  postbackToken: '16 à 128 caractères parmi lettres, chiffres et « . _ ~ - »',
  defaultCurrency: 'un code à 3 lettres, ex. EUR',
  email: 'une adresse comme nom@exemple.fr',
}

function issueText(issue: z.core.$ZodIssue): string {
  const key = String(issue.path[0] ?? '')
  const label = LABELS[key] ?? 'Une valeur'
  switch (issue.code) {
    case 'too_small':
      return issue.minimum === 1 || issue.minimum === 1n ? `${label} est obligatoire.` : `${label} est trop court.`
    case 'too_big':
      return `${label} est trop long (${String(issue.maximum)} caractères au plus).`
    case 'invalid_type':
      return `${label} est obligatoire.`
    case 'invalid_format':
    case 'invalid_string' as string:
      return FORMATS[key] ? `${label} n'est pas valide : ${FORMATS[key]}.` : `${label} n'est pas valide.`
    case 'invalid_value':
      return `${label} : valeur inconnue.`
    case 'unrecognized_keys':
      return 'Le formulaire contient un champ inconnu.'
    default:
      if (issue.message === 'nothing to change') return 'Rien à modifier.'
      return key ? `${label} n'est pas valide.` : 'Saisie invalide.'
  }
}

const OFFER_URL: Record<string, string> = {
  'not an absolute URL': 'doit être une adresse complète (https://…)',
  'must be http or https': 'doit commencer par http:// ou https://',
  'has no host': "n'a pas de nom de domaine",
  'must not carry credentials': "ne doit pas contenir d'identifiant ni de mot de passe",
  'cannot place the sub-id in this URL': 'ne permet pas de placer le sub-id',
}

const STATUS_FR: Record<string, string> = { pending: 'en attente', approved: 'approuvé', posted: 'publié', failed: 'échoué' }

/** The domain's one-line messages, reworded; null when the message is not one of them. */
const REWORDS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^network "(.+)" already exists$/, (m) => `Le réseau « ${m[1]} » existe déjà : choisissez un autre identifiant.`],
  [/^network: no network "(.+)"$/, (m) => `Le réseau « ${m[1]} » n'existe pas.`],
  [/^no network "(.+)"$/, (m) => `Réseau « ${m[1]} » introuvable.`],
  [/^no offer (\d+)$/, (m) => `Offre #${m[1]} introuvable.`],
  [/^no assignment (\d+)$/, (m) => `Lien #${m[1]} introuvable.`],
  [/^partnerId: no partner (\d+)$/, (m) => `Le partenaire #${m[1]} n'existe pas.`],
  [/^offerId: no offer (\d+)$/, (m) => `L'offre #${m[1]} n'existe pas.`],
  [
    /^defaultCurrency: (\w+) has no rate in FX_RATES \(known: (.*)\)$/,
    (m) => `La devise ${m[1]} n'a pas de taux de change configuré (devises connues : ${m[2]}).`,
  ],
  [
    /^allowedIps: "(.*)" is not an IP address or CIDR range$/,
    (m) => `Adresses IP : « ${m[1]} » n'est ni une adresse IP ni une plage CIDR.`,
  ],
  [/^allowedIps: "(.*)" has an invalid prefix length$/, (m) => `Adresses IP : « ${m[1]} » a une longueur de préfixe invalide.`],
  [/^allowedIps: (.*)$/, () => "La liste d'adresses IP n'est pas valide."],
  [
    /^a network needs a postback token or an IP allow-list$/,
    () => "Un réseau a besoin d'un jeton de postback ou d'une liste d'adresses IP autorisées.",
  ],
  [/^statusWords: at most (\d+) words/, (m) => `Au plus ${m[1]} mots de statut propres au réseau.`],
  [/^url: (.*)$/, (m) => `L'URL de l'annonceur ${OFFER_URL[m[1]!] ?? "n'est pas valide"}.`],
  [
    /^an assignment cannot go from (\w+) to (\w+)$/,
    (m) => `Un lien ne peut pas passer de « ${STATUS_FR[m[1]!] ?? m[1]} » à « ${STATUS_FR[m[2]!] ?? m[2]} ».`,
  ],
  [/^fieldMap\.(\w+): a JSON pointer starts with "\/"$/, (m) => `Champ ${m[1]} : un pointeur JSON commence par « / ».`],
  [/^fieldMap\.(\w+): pointer too long/, (m) => `Champ ${m[1]} : pointeur trop long (256 caractères au plus).`],
  [/^fieldMap\.(\w+): "~" must be written/, (m) => `Champ ${m[1]} : « ~ » s'écrit ~0 (et « / » ~1) dans un pointeur.`],
  [/^fieldMap\.(\w+): a parameter name or a JSON pointer$/, (m) => `Champ ${m[1]} : indiquez un nom de paramètre ou un pointeur JSON.`],
  [/^fieldMap\.(\w+): "(.*)" is not a parameter name/, (m) => `Champ ${m[1]} : « ${m[2]} » n'est pas un nom de paramètre.`],
  [/^fieldMap\.(\w+): "(.*)" is our own parameter/, (m) => `Champ ${m[1]} : « ${m[2]} » est notre nom pour un autre champ.`],
  [/^fieldMap\.amountUnit:/, () => 'amountUnit vaut « units » ou « cents ».'],
  [/^fieldMap\.(network|token):/, (m) => `Le champ ${m[1]} se lit toujours sous notre nom : il ne se mappe pas.`],
  [
    /^fieldMap\.(.+): not one of our fields/,
    (m) => `« ${m[1]} » n'est pas un de nos champs (subid, txn_id, amount, currency, status, amountUnit).`,
  ],
]

export function frenchText(message: string): string | null {
  for (const [pattern, say] of REWORDS) {
    const m = pattern.exec(message)
    if (m) return say(m)
  }
  return null
}

/** The same refusal, in French (its status kept); any other error as it is. */
export function inFrenchError(err: unknown): unknown {
  if (err instanceof ZodError) {
    const texts = [...new Set(err.issues.map(issueText))]
    return new InvalidInput(texts.join(' '))
  }
  if (err instanceof DomainError && err.statusCode < 500) {
    const text = frenchText(err.message)
    if (text === null) return err
    if (err instanceof NotFound) return new NotFound(text)
    if (err instanceof Refused) return new Refused(text)
    return new InvalidInput(text)
  }
  return err
}

/** Runs a domain call; its refusal comes back in French. */
export async function inFrench<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (err) {
    throw inFrenchError(err)
  }
}
