// The network page's forms, read into what createNetwork / updateNetwork take:
// text areas of "word = status" and "field = source" lines, selects whose blank
// choice means "the preset's". A line that cannot be read is refused in French,
// with its number, before anything is written.
import { InvalidInput } from '../errors.ts'
import { CONVERSION_STATUSES, type ConversionStatus, type StatusWords } from '../postbacks/status-words.ts'
import type { StoredFieldMap } from '../postbacks/params.ts'
import type { NetworkCreate, NetworkUpdate } from './networks.ts'

type Form = (name: string) => string

const LINE = /^([^=]*)=(.*)$/

function lines(text: string): { n: number; left: string; right: string }[] {
  const out: { n: number; left: string; right: string }[] = []
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim()
    if (line === '' || line.startsWith('#')) return
    const m = LINE.exec(line)
    if (!m || m[1]!.trim() === '') throw new InvalidInput(`Ligne ${i + 1} : « ${line.slice(0, 60)} » — écrivez « nom = valeur ».`)
    out.push({ n: i + 1, left: m[1]!.trim(), right: m[2]!.trim() })
  })
  return out
}

/** "word = status" adds or changes a word; "word =" removes it (even one the preset or the defaults give). */
export function statusWordChanges(text: string): StatusWords {
  const changes: StatusWords = {}
  for (const { n, left, right } of lines(text)) {
    if (right !== '' && !(CONVERSION_STATUSES as readonly string[]).includes(right))
      throw new InvalidInput(
        `Ligne ${n} : statut inconnu « ${right.slice(0, 32)} » (${CONVERSION_STATUSES.join(', ')}, ou rien pour retirer le mot).`,
      )
    if (left.length > 32) throw new InvalidInput(`Ligne ${n} : un mot de statut fait 32 caractères au plus.`)
    changes[left] = right === '' ? null : (right as ConversionStatus)
  }
  if (Object.keys(changes).length === 0) throw new InvalidInput('Aucun mot de statut à changer : une ligne « mot = statut » au moins.')
  return changes
}

/** The whole field map from its lines; empty: our own parameter names. */
export function fieldMapFromText(text: string): Record<string, string> | null {
  const map: Record<string, string> = {}
  for (const { n, left, right } of lines(text)) {
    if (right === '') throw new InvalidInput(`Ligne ${n} : indiquez où lire « ${left.slice(0, 32)} » (un paramètre ou un pointeur JSON).`)
    map[left] = right
  }
  return Object.keys(map).length === 0 ? null : map
}

export function fieldMapAsText(map: StoredFieldMap): string {
  return Object.entries(map)
    .map(([k, v]) => `${k} = ${v}`)
    .join('\n')
}

const optional = (v: string) => (v.trim() === '' ? undefined : v.trim())

/** The create form: a preset (or blank: generic), its identity, and what differs from the preset. */
export function networkCreateInput(form: Form): NetworkCreate {
  return {
    preset: (optional(form('preset')) ?? 'generic') as NetworkCreate['preset'],
    slug: form('slug'),
    name: form('name'),
    subidParam: optional(form('subidParam')),
    defaultCurrency: optional(form('defaultCurrency')),
  }
}

/** The settings form: every field is sent (the page shows the current values). */
export function networkSettingsInput(form: Form): NetworkUpdate {
  const decimal = form('decimalSeparator')
  return {
    name: form('name'),
    subidParam: form('subidParam'),
    subidSeparator: form('subidSeparator') as NetworkUpdate['subidSeparator'],
    defaultCurrency: form('defaultCurrency'),
    decimalSeparator: decimal === '' ? null : (decimal as NetworkUpdate['decimalSeparator']),
    dedupeBy: form('dedupeBy') as NetworkUpdate['dedupeBy'],
    allowedIps: form('allowedIps'),
  }
}
