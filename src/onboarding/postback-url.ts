// The postback URL an operator pastes into a network's dashboard: our endpoint,
// our parameter names, and in each value the network's OWN macro (which the
// network replaces when it fires), plus the network's slug and token.
//
// Macro names per platform, from their documentation:
// - Everflow (partner postback): {sub1}…{sub5} return the partner's sub-ids,
//   {transaction_id} is Everflow's click/transaction id, {payout_amount} the
//   partner payout. helpdesk.everflow.io "A Guide to Parameters and Macros".
//   No status macro is used: Everflow fires the partner postback when the
//   conversion is recorded, so the status is the literal "approved".
// - TUNE / HasOffers (partner conversion URL): {aff_sub} (partner sub-id 1),
//   {transaction_id}, {payout}. support.tune.com "Passing Values to a Partner
//   Conversion URL" and "Customizing a Partner Tracking Link". Fires on
//   approved conversions: literal "approved".
// - CAKE (affiliate pixel/postback tokens, #hash# syntax): #s2# (sub-id 2, the
//   slot CAKE recommends for click ids), #price# (payout), #leadid# (CAKE's
//   conversion id, always set; #tid# is the advertiser's and may be empty).
//   support.getcake.com "CAKE tokens in affiliate pixels". Literal "approved".
// - Impact (partner postback / action notifications, PascalCase, case
//   sensitive): {SubId1} (tracking link parameter subId1), {ActionId},
//   {Status} (PENDING / APPROVED / REVERSED), {Payout}, {Currency}.
//   help.impact.com "Event Notification Postbacks" (Action Lifecycle parameters).
// - Keitaro-style trackers: {subid}, {tid}, {revenue}, {status} (lead, sale,
//   rejected). docs.keitaro.io "S2S postback placeholders".
// - generic: the user's cheat-sheet, {subid} {payout} {currency} {status}
//   {transaction_id}; the operator adapts the macro names to the network.
// Where a platform has no currency macro, the network's default currency applies.
import type { ConversionStatus } from '../postbacks/status-words.ts'
import type { SubidSeparator } from '../tracking/subid.ts'

export const NETWORK_PRESETS = ['generic', 'keitaro', 'everflow', 'tune', 'cake', 'impact'] as const
export type NetworkPreset = (typeof NETWORK_PRESETS)[number]

export interface PresetSpec {
  label: string
  /** The sub-id parameter on this platform's tracking links. */
  subidParam: string
  /** Our postback parameter → the platform's macro (or a literal value). */
  values: { subid: string; amount: string; currency?: string; status: string; txn_id: string }
  /** The status value is a fixed word, not a macro. */
  literalStatus: boolean
  /** Status words this platform uses beyond the defaults (a network's own words still win). */
  statusWords?: Record<string, ConversionStatus>
  note: string
}

export const PRESETS: Readonly<Record<NetworkPreset, PresetSpec>> = {
  generic: {
    label: 'Generic',
    subidParam: 'subid',
    values: { subid: '{subid}', amount: '{payout}', currency: '{currency}', status: '{status}', txn_id: '{transaction_id}' },
    literalStatus: false,
    note: "Replace each {macro} with the network's own macro for that value.",
  },
  keitaro: {
    label: 'Keitaro-style tracker',
    subidParam: 'subid',
    values: { subid: '{subid}', amount: '{revenue}', status: '{status}', txn_id: '{tid}' },
    literalStatus: false,
    // Keitaro's conversion statuses: lead, sale, rejected (and trash for junk).
    statusWords: { lead: 'pending', sale: 'confirmed', trash: 'rejected' },
    note: 'Keitaro placeholders; the currency is the network default.',
  },
  everflow: {
    label: 'Everflow',
    subidParam: 'sub1',
    values: { subid: '{sub1}', amount: '{payout_amount}', status: 'approved', txn_id: '{transaction_id}' },
    literalStatus: true,
    note: 'Partner postback, fired on each recorded conversion; the currency is the network default.',
  },
  tune: {
    label: 'TUNE / HasOffers',
    subidParam: 'aff_sub',
    values: { subid: '{aff_sub}', amount: '{payout}', status: 'approved', txn_id: '{transaction_id}' },
    literalStatus: true,
    note: 'Partner conversion URL (global postback); the currency is the network default.',
  },
  cake: {
    label: 'CAKE',
    subidParam: 's2',
    values: { subid: '#s2#', amount: '#price#', status: 'approved', txn_id: '#leadid#' },
    literalStatus: true,
    note: 'Affiliate postback with CAKE #tokens#; the currency is the network default.',
  },
  impact: {
    label: 'Impact',
    subidParam: 'subId1',
    values: { subid: '{SubId1}', amount: '{Payout}', currency: '{Currency}', status: '{Status}', txn_id: '{ActionId}' },
    literalStatus: false,
    note: 'Action postback; Impact sends PENDING, APPROVED and REVERSED (status words match in any case).',
  },
}

export function isPreset(value: string): value is NetworkPreset {
  return (NETWORK_PRESETS as readonly string[]).includes(value)
}

export interface PostbackUrlInput {
  baseUrl: string
  slug: string
  token: string | null
  preset: string
}

/** The exact URL to paste into the network: macros stay literal (the network substitutes them). */
export function postbackUrl(input: PostbackUrlInput): string {
  const spec = PRESETS[isPreset(input.preset) ? input.preset : 'generic']
  const v = spec.values
  const parts = [`subid=${v.subid}`, `amount=${v.amount}`]
  if (v.currency) parts.push(`currency=${v.currency}`)
  parts.push(`status=${v.status}`, `txn_id=${v.txn_id}`, `network=${encodeURIComponent(input.slug)}`)
  if (input.token) parts.push(`token=${encodeURIComponent(input.token)}`)
  return `${input.baseUrl}/aff/postback?${parts.join('&')}`
}

/** What the tracked link sends the network, for the operator's check: e.g. sub1=12:34:<click id>. */
export function trackingExample(subidParam: string, separator: SubidSeparator): string {
  return `${subidParam}=<partner id>${separator}<assignment id>${separator}<click id>`
}
