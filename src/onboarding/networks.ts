// Networks: who sends us conversions, how their links carry our sub-id, how
// their postbacks authenticate and speak. Shared by the admin API and the CLI.
import { randomBytes } from 'node:crypto'
import { z } from 'zod'
import type { Database } from '../db/client.ts'
import { inTransaction, type Queryable } from '../db/queries/access.ts'
import { latestClickOn } from '../db/queries/metric-events.ts'
import { allNetworks, insertNetwork, networkBySlug, updateNetworkById } from '../db/queries/networks.ts'
import { offerIdsOfNetwork } from '../db/queries/offers.ts'
import type { Network } from '../db/types.ts'
import { InvalidInput, NotFound, Refused } from '../errors.ts'
import { DECIMAL_SEPARATORS, decimalSeparatorOf, type DecimalSeparator } from '../postbacks/amount.ts'
import { InvalidAllowList, parseAllowList } from '../postbacks/network-auth.ts'
import {
  applyStatusWordChanges,
  effectiveStatusWords,
  mergeStatusWords,
  MAX_OWN_STATUS_WORDS,
  parseStoredStatusWords,
  statusWordsSchema,
  type ConversionStatus,
  type StatusWords,
} from '../postbacks/status-words.ts'
import { compileFieldMap, InvalidFieldMap, type StoredFieldMap } from '../postbacks/params.ts'
import { SUBID_SEPARATORS, type SubidSeparator } from '../tracking/subid.ts'
import { audit } from './audit.ts'
import {
  NETWORK_PRESETS,
  PRESETS,
  alternativeGetUrl,
  isPreset,
  presetOf,
  postbackUrl,
  trackingExample,
  type PresetSpec,
} from './postback-url.ts'
import { isUniqueViolation } from '../db/errors.ts'

const slug = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'letters, digits, "-" or "_", at most 40')
const subidParam = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_.[\]-]{1,64}$/, 'a query parameter name (letters, digits, _ . - [ ])')
// Tokens travel in URLs that networks store and substitute: unreserved characters only.
const token = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9._~-]{16,128}$/, '16 to 128 characters among letters, digits and . _ ~ -')
const currency = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'a 3-letter currency code')
/** How the network writes decimals; null: undeclared, so an ambiguous amount ("1,234") is refused. */
const decimalSeparator = z.enum(DECIMAL_SEPARATORS).nullable()
const allowedIps = z.union([z.string().max(2000), z.array(z.string().max(64)).max(100)])
/** {ourField: "theirParam" | "/json/pointer" | "field#/pointer"}, checked by compileFieldMap; null: our names only. */
const fieldMap = z.record(z.string().max(32), z.unknown()).nullable()
const dedupeBy = z.enum(['txn', 'click'])

export const networkCreateSchema = z.strictObject({
  slug,
  name: z.string().trim().min(1).max(100),
  subidParam: subidParam.optional(),
  subidSeparator: z.enum(SUBID_SEPARATORS).optional(),
  postbackToken: token.optional(),
  allowedIps: allowedIps.optional(),
  defaultCurrency: currency.optional(),
  decimalSeparator: decimalSeparator.optional(),
  statusWords: statusWordsSchema.optional(),
  preset: z.enum(NETWORK_PRESETS).optional(),
  fieldMap: fieldMap.optional(),
  dedupeBy: dedupeBy.optional(),
})
export type NetworkCreate = z.input<typeof networkCreateSchema>

export const networkUpdateSchema = z
  .strictObject({
    name: z.string().trim().min(1).max(100).optional(),
    subidParam: subidParam.optional(),
    subidSeparator: z.enum(SUBID_SEPARATORS).optional(),
    /** A new token; null removes it (only with an IP allow-list). */
    postbackToken: token.nullable().optional(),
    /** true: generate a new random token. */
    rotateToken: z.literal(true).optional(),
    allowedIps: allowedIps.optional(),
    defaultCurrency: currency.optional(),
    decimalSeparator: decimalSeparator.optional(),
    /** Merged into the network's own words; a word set to null is removed. */
    statusWords: statusWordsSchema.optional(),
    preset: z.enum(NETWORK_PRESETS).optional(),
    /** Replaces the network's field map; null or {} goes back to our names. */
    fieldMap: fieldMap.optional(),
    dedupeBy: dedupeBy.optional(),
  })
  .refine((u) => Object.keys(u).length > 0, 'nothing to change')
  .refine((u) => !(u.rotateToken && u.postbackToken !== undefined), 'give postbackToken or rotateToken, not both')
export type NetworkUpdate = z.input<typeof networkUpdateSchema>

export interface NetworkView {
  id: number
  slug: string
  name: string
  preset: string
  subidParam: string
  subidSeparator: string
  defaultCurrency: string
  decimalSeparator: DecimalSeparator | null
  allowedIps: string[]
  /** The network's own words (null: an inherited word it removed). */
  statusWords: StatusWords
  /** Every word it answers to: its own over its preset's over the defaults. */
  effectiveStatusWords: Record<string, ConversionStatus>
  fieldMap: StoredFieldMap
  dedupeBy: string
  hasToken: boolean
  createdAt: Date
  updatedAt: Date
}

function view(n: Network): NetworkView {
  return {
    id: n.id,
    slug: n.slug,
    name: n.name,
    preset: n.preset,
    subidParam: n.subidParam,
    subidSeparator: n.subidSeparator,
    defaultCurrency: n.defaultCurrency,
    decimalSeparator: decimalSeparatorOf(n.decimalSeparator),
    allowedIps: n.allowedIps ? n.allowedIps.split(',') : [],
    statusWords: parseStoredStatusWords(n.statusWords),
    effectiveStatusWords: effectiveStatusWords(mergeStatusWords(presetOf(n.preset).statusWords, parseStoredStatusWords(n.statusWords))),
    fieldMap: storedFieldMap(n.fieldMap),
    dedupeBy: n.dedupeBy,
    hasToken: Boolean(n.postbackToken),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  }
}

function storedFieldMap(json: string): StoredFieldMap {
  try {
    return JSON.parse(json) as StoredFieldMap
  } catch {
    return {}
  }
}

/** The field map as stored, after checking it compiles (400 with the reason otherwise). */
function fieldMapText(value: Record<string, unknown> | null): string {
  try {
    compileFieldMap(value)
  } catch (err) {
    if (err instanceof InvalidFieldMap) throw new InvalidInput(err.message)
    throw err
  }
  return JSON.stringify(value ?? {})
}

/** The network's own words after a change, within the limit. */
function ownWordsText(own: StatusWords, changes: StatusWords, preset: string): string {
  const next = applyStatusWordChanges(own, changes, presetOf(preset).statusWords ?? {})
  if (Object.keys(next).length > MAX_OWN_STATUS_WORDS)
    throw new InvalidInput(`statusWords: at most ${MAX_OWN_STATUS_WORDS} words of the network's own`)
  return JSON.stringify(next)
}

export function newPostbackToken(): string {
  return randomBytes(24).toString('base64url')
}

function allowListText(value: string | string[]): string {
  try {
    return parseAllowList(value)?.entries.join(',') ?? ''
  } catch (err) {
    if (err instanceof InvalidAllowList) throw new InvalidInput(`allowedIps: ${err.message}`)
    throw err
  }
}

function checkCurrency(code: string, fxRates: Record<string, string>) {
  if (fxRates[code] === undefined)
    throw new InvalidInput(`defaultCurrency: ${code} has no rate in FX_RATES (known: ${Object.keys(fxRates).join(', ')})`)
}

export interface OnboardingContext {
  database: Pick<Database, 'prisma' | 'provider'>
  fxRates: Record<string, string>
  /** Who acts, for the audit log: "admin-api", "cli". */
  actor: string
}

export async function createNetwork(ctx: OnboardingContext, input: unknown): Promise<NetworkView & { postbackToken: string }> {
  const n = networkCreateSchema.parse(input)
  const preset = n.preset ?? 'generic'
  const defaultCurrency = n.defaultCurrency ?? 'EUR'
  checkCurrency(defaultCurrency, ctx.fxRates)
  const data = {
    slug: n.slug,
    name: n.name,
    preset,
    subidParam: n.subidParam ?? PRESETS[preset].subidParam,
    subidSeparator: n.subidSeparator ?? ':',
    postbackToken: n.postbackToken ?? newPostbackToken(),
    allowedIps: n.allowedIps === undefined ? '' : allowListText(n.allowedIps),
    defaultCurrency,
    // A separator the platform documents is suggested by its preset; the operator's word wins.
    decimalSeparator: n.decimalSeparator !== undefined ? n.decimalSeparator : (PRESETS[preset].decimalSeparator ?? null),
    // Only the network's own words: its preset's are merged in when it is read.
    statusWords: ownWordsText({}, n.statusWords ?? {}, preset),
    fieldMap: fieldMapText(n.fieldMap !== undefined ? n.fieldMap : (PRESETS[preset].fieldMap ?? null)),
    dedupeBy: n.dedupeBy ?? PRESETS[preset].dedupeBy,
  }
  try {
    const row = await inTransaction(ctx.database, async (db) => {
      const created = await insertNetwork(db, data)
      await audit(db, ctx.actor, 'network.create', `network:${created.slug}`, { preset, subidParam: data.subidParam })
      return created
    })
    return { ...view(row), postbackToken: row.postbackToken! }
  } catch (err) {
    if (isUniqueViolation(err)) throw new Refused(`network "${n.slug}" already exists`)
    throw err
  }
}

export async function updateNetwork(
  ctx: OnboardingContext,
  slugValue: string,
  input: unknown,
): Promise<NetworkView & { postbackToken?: string }> {
  const u = networkUpdateSchema.parse(input)
  if (u.defaultCurrency) checkCurrency(u.defaultCurrency, ctx.fxRates)
  const data: Record<string, string | null> = {}
  if (u.name !== undefined) data.name = u.name
  if (u.subidParam !== undefined) data.subidParam = u.subidParam
  if (u.subidSeparator !== undefined) data.subidSeparator = u.subidSeparator
  if (u.defaultCurrency !== undefined) data.defaultCurrency = u.defaultCurrency
  if (u.decimalSeparator !== undefined) data.decimalSeparator = u.decimalSeparator
  if (u.preset !== undefined) data.preset = u.preset
  if (u.fieldMap !== undefined) data.fieldMap = fieldMapText(u.fieldMap)
  if (u.dedupeBy !== undefined) data.dedupeBy = u.dedupeBy
  if (u.allowedIps !== undefined) data.allowedIps = allowListText(u.allowedIps)
  if (u.postbackToken !== undefined) data.postbackToken = u.postbackToken
  if (u.rotateToken) data.postbackToken = newPostbackToken()
  const row = await inTransaction(ctx.database, async (db) => {
    const current = await networkBySlug(db, slugValue)
    if (!current) throw new NotFound(`no network "${slugValue}"`)
    const tokenAfter = data.postbackToken !== undefined ? data.postbackToken : current.postbackToken
    const ipsAfter = data.allowedIps !== undefined ? data.allowedIps : current.allowedIps
    if (!tokenAfter && !ipsAfter) throw new InvalidInput('a network needs a postback token or an IP allow-list')
    // PATCH merges words: {"rebill": "confirmed"} adds one, {"lead": null} removes one.
    if (u.statusWords !== undefined)
      data.statusWords = ownWordsText(parseStoredStatusWords(current.statusWords), u.statusWords, data.preset ?? current.preset)
    const updated = await updateNetworkById(db, current.id, data)
    const changed = Object.keys(data).map((k) =>
      k === 'postbackToken' ? (data.postbackToken ? 'postbackToken(new)' : 'postbackToken(removed)') : k,
    )
    await audit(db, ctx.actor, 'network.update', `network:${updated.slug}`, { changed })
    return updated
  })
  const tokenChanged = data.postbackToken !== undefined && row.postbackToken
  return { ...view(row), ...(tokenChanged ? { postbackToken: row.postbackToken! } : {}) }
}

export async function listNetworks(ctx: { database: Queryable }): Promise<NetworkView[]> {
  return (await allNetworks(ctx.database)).map(view)
}

export interface PostbackSetup {
  network: string
  preset: string
  label: string
  /** Paste this into the network; null when the platform sends no postback (CJ). */
  url: string | null
  /** How the platform calls it: GET, POST (with the body below), or none. */
  method: 'GET' | 'POST' | 'none'
  body: 'query' | 'form' | 'json' | 'form-json' | 'none'
  /** A GET URL the platform can use instead of its body, if it has one. */
  alternativeUrl: string | null
  /** Where our fields are read in its postbacks (the network's setting). */
  fieldMap: StoredFieldMap
  dedupeBy: string
  decimalSeparator: string | null
  /** The platform sends one fixed status word: later changes come through the import. */
  fixedStatus: boolean
  /** What our tracked links add to the offer URL. */
  tracking: string
  note: string
  /** Step by step, for the operator. */
  instructions: string[]
  /** The documentation the preset was checked against. */
  sources: string[]
}

const IMPORT_ROUTE = (slug: string) =>
  `the CSV import of conversion updates (POST /admin/api/networks/${slug}/conversions/import), which is coming with the money-operations issue`

function instructionsFor(n: Network, spec: PresetSpec, url: string | null, alternative: string | null): string[] {
  const lines: string[] = []
  const map = storedFieldMap(n.fieldMap)
  if (spec.method === 'none') {
    lines.push(`${spec.label} sends no postback: its conversions, corrections and reversals reach us through ${IMPORT_ROUTE(n.slug)}.`)
  } else if (spec.method === 'GET') {
    lines.push(`Paste the URL into ${spec.label} as its postback URL (it calls it with GET, its macros filled in).`)
  } else {
    const shape =
      spec.body === 'form-json' ? 'a form whose field carries the conversion as JSON' : `a ${spec.body === 'json' ? 'JSON' : 'form'} body`
    lines.push(`Set ${spec.label} to POST ${shape} to the URL; our fields are read from it through this network's field map.`)
  }
  if (alternative) lines.push(`Or, with GET: ${alternative}`)
  if (url !== null && spec.fixedStatus) {
    lines.push(
      `${spec.label} can only send one fixed status ("${spec.values.status ?? ''}"): it cannot tell us that a conversion was later rejected or reversed. ` +
        `Those changes reach us through ${IMPORT_ROUTE(n.slug)}.`,
    )
  }
  if (url !== null && spec.values.currency === undefined && map.currency === undefined)
    lines.push(
      `It sends no currency: amounts are read in this network's default currency (${n.defaultCurrency}); set defaultCurrency to the currency it pays in.`,
    )
  if (n.dedupeBy === 'click') lines.push('It sends no transaction id: one conversion per click (dedupeBy "click").')
  if (n.decimalSeparator) lines.push(`Amounts are read with "${n.decimalSeparator}" as the decimal separator.`)
  lines.push(`Tracked links add ${trackingExample(n.subidParam, n.subidSeparator as SubidSeparator)} to the offer URL.`)
  return lines
}

export async function postbackSetup(ctx: { database: Queryable }, slugValue: string, baseUrl: string): Promise<PostbackSetup> {
  const n = await networkBySlug(ctx.database, slugValue)
  if (!n) throw new NotFound(`no network "${slugValue}"`)
  const preset = isPreset(n.preset) ? n.preset : 'generic'
  const spec = PRESETS[preset]
  const input = { baseUrl, slug: n.slug, token: n.postbackToken, preset }
  const url = postbackUrl(input)
  const alternative = alternativeGetUrl(input)
  return {
    network: n.slug,
    preset,
    label: spec.label,
    url,
    method: spec.method,
    body: spec.body,
    alternativeUrl: alternative,
    fieldMap: storedFieldMap(n.fieldMap),
    dedupeBy: n.dedupeBy,
    decimalSeparator: n.decimalSeparator,
    fixedStatus: spec.fixedStatus,
    tracking: trackingExample(n.subidParam, n.subidSeparator as SubidSeparator),
    note: spec.note,
    instructions: instructionsFor(n, spec, url, alternative),
    sources: spec.sources,
  }
}

/** The network's row (its token included), or null: for the operator's own tools. */
export function networkBySlugOrNull(database: Queryable, slugValue: string): Promise<Network | null> {
  return networkBySlug(database, slugValue)
}

/** The newest click on one of the network's offers: whose sub-id a test postback can carry. */
export async function latestClickOfNetwork(database: Queryable, networkId: number) {
  return latestClickOn(database, await offerIdsOfNetwork(database, networkId))
}
