// The postback URL an operator pastes into a network's dashboard: our endpoint,
// our parameter names, and in each value the network's OWN macro (which the
// network replaces when it fires), plus the network's slug and token. The
// platforms' macros, body shapes and words are in presets.ts, with their sources.
import type { SubidSeparator } from '../tracking/subid.ts'
import { presetOf, type PresetValues } from './presets.ts'

export { NETWORK_PRESETS, PRESETS, isPreset, presetOf, type NetworkPreset, type PresetSpec } from './presets.ts'

export interface PostbackUrlInput {
  baseUrl: string
  slug: string
  token: string | null
  preset: string
}

const ORDER = ['subid', 'amount', 'currency', 'status', 'txn_id'] as const

function urlWith(input: PostbackUrlInput, values: PresetValues, extra: Record<string, string> = {}): string {
  const parts: string[] = []
  for (const name of ORDER) if (values[name] !== undefined) parts.push(`${name}=${values[name]}`)
  for (const [name, value] of Object.entries(extra)) parts.push(`${name}=${value}`)
  parts.push(`network=${encodeURIComponent(input.slug)}`)
  if (input.token) parts.push(`token=${encodeURIComponent(input.token)}`)
  return `${input.baseUrl}/aff/postback?${parts.join('&')}`
}

/**
 * The exact URL to paste into the network: macros stay literal (the network
 * substitutes them). For a platform that posts a body, the endpoint URL with our
 * fixed values; null for a platform that sends no postback at all (CJ).
 */
export function postbackUrl(input: PostbackUrlInput): string | null {
  const spec = presetOf(input.preset)
  if (spec.method === 'none') return null
  return urlWith(input, spec.values, spec.extra)
}

/** The GET URL a platform with a body shape can use instead (Awin's !!!macros!!!), or null. */
export function alternativeGetUrl(input: PostbackUrlInput): string | null {
  const spec = presetOf(input.preset)
  return spec.alternativeGet ? urlWith(input, spec.alternativeGet) : null
}

/** What the tracked link sends the network, for the operator's check: e.g. sub1=12:34:<click id>. */
export function trackingExample(subidParam: string, separator: SubidSeparator): string {
  return `${subidParam}=<partner id>${separator}<assignment id>${separator}<click id>`
}
