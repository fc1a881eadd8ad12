// The partner's own sub-ids: `/r/<code>?s1=…` up to `s5`, kept on the click for
// the partner's reports and never sent on to the advertiser (only our sub-id goes
// to the network, target-url.ts). A live link never fails over them: a value is
// cut to MAX_SUBID_LENGTH characters, and one holding any character outside
// [A-Za-z0-9._~-] (or empty) is dropped; the visitor is redirected either way.
import type { PartnerSubids } from '../db/hot/index.ts'

export const MAX_SUBID_LENGTH = 64
export const SUBID_KEYS = ['s1', 's2', 's3', 's4', 's5'] as const
export type SubidKey = (typeof SUBID_KEYS)[number]

const SAFE = /^[A-Za-z0-9._~-]+$/

/** One value as the query gave it (a repeated key gives an array: its first value counts). */
export function partnerSubid(raw: unknown): string | null {
  const value = Array.isArray(raw) ? (raw as unknown[])[0] : raw
  if (typeof value !== 'string' || value === '') return null
  const cut = value.length > MAX_SUBID_LENGTH ? value.slice(0, MAX_SUBID_LENGTH) : value
  return SAFE.test(cut) ? cut : null
}

/** s1…s5 of a request's query, or undefined when it has none (most clicks: nothing to store). */
export function partnerSubids(query: unknown): PartnerSubids | undefined {
  if (typeof query !== 'object' || query === null) return undefined
  const q = query as Record<string, unknown>
  if (q.s1 === undefined && q.s2 === undefined && q.s3 === undefined && q.s4 === undefined && q.s5 === undefined) return undefined
  const subids = [partnerSubid(q.s1), partnerSubid(q.s2), partnerSubid(q.s3), partnerSubid(q.s4), partnerSubid(q.s5)] as const
  return subids.every((s) => s === null) ? undefined : subids
}
