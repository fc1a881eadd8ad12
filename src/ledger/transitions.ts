// What a status report does to an existing conversion (DESIGN.md "Postback
// contract"): the network is the source of truth for its own conversions, so
// every move among the four statuses is applied (pending → reversed, confirmed →
// rejected, rejected → confirmed on re-approval, reversed → confirmed, …); the
// same status again changes nothing; a late "pending" after a decision never
// downgrades it. Nothing is refused here: a refusal would be answered non-2xx
// and the network would retry it forever.
/** The four statuses of a conversion entry (networks' own words map onto them: postbacks/status-words.ts). */
export const CONVERSION_STATUSES = ['pending', 'confirmed', 'rejected', 'reversed'] as const
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number]

export type Transition = { kind: 'change' } | { kind: 'duplicate' } | { kind: 'stale'; reason: string }

export function decideTransition(current: ConversionStatus, next: ConversionStatus): Transition {
  if (current === next) return { kind: 'duplicate' }
  if (next === 'pending') return { kind: 'stale', reason: `late pending ignored: the conversion is already ${current}` }
  return { kind: 'change' }
}
