// The CSV import as the console runs it (/admin/imports): the text comes pasted or
// as a file, is previewed (import.ts's dry run: each line's outcome, nothing
// written), then applied — the very text previewed, checked by its fingerprint —
// and audited. Applying twice changes nothing the second time (import.ts).
import { createHash } from 'node:crypto'
import type { Database } from '../db/client.ts'
import { allNetworks } from '../db/queries/networks.ts'
import { InvalidInput, NotFound } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { importConversions, MAX_IMPORT_BYTES, MAX_IMPORT_LINES, type ImportResult } from './import.ts'
import { loadPostbackNetwork, type PostbackNetwork } from './network-cache.ts'

export { MAX_IMPORT_BYTES, MAX_IMPORT_LINES }

/** Lines a preview lists one by one (every refused line is listed whatever this says). */
export const PREVIEW_LINES_SHOWN = 1000

export const IMPORT_LINE_LABELS: Record<string, string> = { applied: 'appliquée', duplicate: 'doublon', refused: 'refusée' }

export interface ImportConsoleContext {
  database: Pick<Database, 'prisma' | 'provider' | 'sql'>
  fxRates: Record<string, string>
  actor: string
}

/** The networks a page offers in its select, by name. */
export async function allNetworkSlugs(database: Pick<Database, 'prisma'>): Promise<{ slug: string; name: string }[]> {
  const networks = await allNetworks(database)
  return networks.map((n) => ({ slug: n.slug, name: n.name })).sort((a, b) => a.name.localeCompare(b.name, 'fr'))
}

/**
 * Line breaks as LF: a browser sends a textarea's text with CRLF whatever it was
 * given, so the previewed text and the one applied are both read this way.
 */
const lf = (text: string) => text.replace(/\r\n?/g, '\n')

/** The text to import: pasted or from the file, not both; bounded as the import is. */
export function importTextOf(pasted: string, file: string): string {
  const hasPaste = pasted.trim() !== ''
  const hasFile = file.trim() !== ''
  if (hasPaste && hasFile) throw new InvalidInput('Choisissez un fichier ou collez le texte, pas les deux.')
  if (!hasPaste && !hasFile) throw new InvalidInput('Collez le CSV ou choisissez un fichier.')
  const text = lf(hasFile ? file : pasted)
  if (Buffer.byteLength(text, 'utf8') > MAX_IMPORT_BYTES)
    throw new InvalidInput(`Fichier trop volumineux : ${String(MAX_IMPORT_BYTES / 1024 / 1024)} Mo au plus (découpez-le).`)
  return text
}

/** What the apply form carries to prove it sends the text previewed. */
export function fingerprintOf(text: string): string {
  return createHash('sha256').update(lf(text)).digest('hex')
}

async function networkOf(ctx: ImportConsoleContext, slug: string): Promise<PostbackNetwork> {
  if (slug.trim() === '') throw new InvalidInput('Choisissez un réseau.')
  const network = await loadPostbackNetwork(ctx.database, slug.trim().slice(0, 64))
  if (!network) throw new NotFound(`Réseau inconnu : « ${slug.slice(0, 64)} »`)
  return network
}

// import.ts words a file it cannot read at all for the API; the page says it in French.
const FILE_REFUSALS: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^the file contains a NUL character$/, () => 'le fichier contient un caractère NUL'],
  [/^empty file/, () => "fichier vide : une ligne d'en-tête est requise (txn_id,status,amount,currency[,subid])"],
  [/^too many lines: at most (\d+)/, (m) => `trop de lignes : ${m[1]!} au plus par fichier`],
  [/^unknown column "(.*)" in the header$/, (m) => `colonne inconnue « ${m[1]!} » dans l'en-tête`],
  [/^a column is named twice in the header$/, () => "une colonne est nommée deux fois dans l'en-tête"],
  [/^missing column "(.*)" in the header$/, (m) => `colonne « ${m[1]!} » manquante dans l'en-tête`],
  [/^line (\d+): unterminated quoted field$/, (m) => `ligne ${m[1]!} : guillemet non refermé`],
]

async function run(
  ctx: Pick<ImportConsoleContext, 'database' | 'fxRates'>,
  network: PostbackNetwork,
  text: string,
  dryRun: boolean,
): Promise<ImportResult> {
  try {
    return await importConversions(ctx, network, text, { dryRun })
  } catch (err) {
    if (!(err instanceof InvalidInput)) throw err
    for (const [pattern, say] of FILE_REFUSALS) {
      const m = pattern.exec(err.message)
      if (m) throw new InvalidInput(`Fichier refusé : ${say(m)}.`)
    }
    throw new InvalidInput(`Fichier refusé : ${err.message}`)
  }
}

export interface ImportPreview {
  network: { slug: string }
  result: ImportResult
  fingerprint: string
}

/** Each line's outcome if the text were applied now; nothing is written. */
export async function previewImport(ctx: ImportConsoleContext, slug: string, text: string): Promise<ImportPreview> {
  const network = await networkOf(ctx, slug)
  const result = await run(ctx, network, text, true)
  return { network: { slug: network.slug }, result, fingerprint: fingerprintOf(text) }
}

/** Applies the text previewed (refused if it is not the same), audited. */
export async function applyImport(ctx: ImportConsoleContext, slug: string, text: string, fingerprint: string): Promise<ImportResult> {
  if (fingerprint !== fingerprintOf(text))
    throw new InvalidInput("Le texte a changé depuis l'aperçu : refaites l'aperçu avant d'appliquer.")
  const network = await networkOf(ctx, slug)
  const result = await run(ctx, network, lf(text), false)
  await audit(ctx.database.prisma, ctx.actor, 'conversions.import', `network:${network.slug}`, {
    applied: result.applied,
    duplicates: result.duplicates,
    refused: result.refused.length,
    via: 'console',
  })
  return result
}

/** The flash message of an applied import (the refused lines' reasons are in the postback log). */
export function importResultText(slug: string, result: ImportResult): string {
  const refused = result.refused.length
  const first = result.refused
    .slice(0, 3)
    .map((r) => `ligne ${String(r.line)} : ${r.reason}`)
    .join(' ; ')
  return (
    `Import appliqué (${slug}) : ${String(result.applied)} ligne(s) appliquée(s), ${String(result.duplicates)} doublon(s), ` +
    `${String(refused)} refusée(s)${refused ? ` — ${first}${refused > 3 ? ' ; …' : ''} (voir le journal des postbacks)` : ''}.`
  )
}

/** The lines a preview lists: every refused one, and the others up to PREVIEW_LINES_SHOWN in all. */
export function previewLinesShown(result: ImportResult): ImportResult['lines'] {
  if (result.lines.length <= PREVIEW_LINES_SHOWN) return result.lines
  let others = Math.max(0, PREVIEW_LINES_SHOWN - result.refused.length)
  return result.lines.filter((l) => l.outcome === 'refused' || others-- > 0)
}
