// What a status report does to an existing conversion (DESIGN.md "Postback
// contract"): pending → confirmed | rejected, confirmed → reversed; the same
// status again is a duplicate; a late "pending" never downgrades a decided entry;
// anything else is refused (and logged, so ops can see what the network said).
/** The four statuses of a conversion entry (networks' own words map onto them: postbacks/status-words.ts). */
export const CONVERSION_STATUSES = ['pending', 'confirmed', 'rejected', 'reversed'] as const
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number]

export type Transition =
  { kind: 'change' } | { kind: 'duplicate' } | { kind: 'stale'; reason: string } | { kind: 'invalid'; reason: string }

const ALLOWED: Readonly<Record<ConversionStatus, readonly ConversionStatus[]>> = {
  pending: ['confirmed', 'rejected'],
  confirmed: ['reversed'],
  rejected: [],
  reversed: [],
}

export function decideTransition(current: ConversionStatus, next: ConversionStatus): Transition {
  if (current === next) return { kind: 'duplicate' }
  if (ALLOWED[current].includes(next)) return { kind: 'change' }
  if (next === 'pending') return { kind: 'stale', reason: `late pending ignored: the conversion is already ${current}` }
  return { kind: 'invalid', reason: `a ${current} conversion cannot become ${next}` }
}
