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
import { normaliseStatusWords, parseStoredStatusWords, statusWordsSchema, type ConversionStatus } from '../postbacks/status-words.ts'
import { SUBID_SEPARATORS, type SubidSeparator } from '../tracking/subid.ts'
import { audit } from './audit.ts'
import { NETWORK_PRESETS, PRESETS, isPreset, postbackUrl, trackingExample } from './postback-url.ts'
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
    statusWords: statusWordsSchema.optional(),
    preset: z.enum(NETWORK_PRESETS).optional(),
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
  statusWords: Record<string, ConversionStatus>
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
    hasToken: Boolean(n.postbackToken),
    createdAt: n.createdAt,
    updatedAt: n.updatedAt,
  }
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
    decimalSeparator: n.decimalSeparator ?? null,
    statusWords: JSON.stringify(normaliseStatusWords({ ...PRESETS[preset].statusWords, ...n.statusWords })),
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
  if (u.statusWords !== undefined) data.statusWords = JSON.stringify(normaliseStatusWords(u.statusWords))
  if (u.allowedIps !== undefined) data.allowedIps = allowListText(u.allowedIps)
  if (u.postbackToken !== undefined) data.postbackToken = u.postbackToken
  if (u.rotateToken) data.postbackToken = newPostbackToken()
  const row = await inTransaction(ctx.database, async (db) => {
    const current = await networkBySlug(db, slugValue)
    if (!current) throw new NotFound(`no network "${slugValue}"`)
    const tokenAfter = data.postbackToken !== undefined ? data.postbackToken : current.postbackToken
    const ipsAfter = data.allowedIps !== undefined ? data.allowedIps : current.allowedIps
    if (!tokenAfter && !ipsAfter) throw new InvalidInput('a network needs a postback token or an IP allow-list')
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
  /** Paste this into the network. */
  url: string
  /** What our tracked links add to the offer URL. */
  tracking: string
  note: string
}

export async function postbackSetup(ctx: { database: Queryable }, slugValue: string, baseUrl: string): Promise<PostbackSetup> {
  const n = await networkBySlug(ctx.database, slugValue)
  if (!n) throw new NotFound(`no network "${slugValue}"`)
  const preset = isPreset(n.preset) ? n.preset : 'generic'
  return {
    network: n.slug,
    preset,
    label: PRESETS[preset].label,
    url: postbackUrl({ baseUrl, slug: n.slug, token: n.postbackToken, preset }),
    tracking: trackingExample(n.subidParam, n.subidSeparator as SubidSeparator),
    note: PRESETS[preset].note,
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
