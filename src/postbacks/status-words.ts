// Networks speak their own status words; the ledger knows four statuses. The
// default words are DESIGN.md's; a network's statusWords (a JSON object
// {word: status}) adds or overrides words. Matching ignores case and spaces
// around the word (Impact sends APPROVED, others approved).
import { z } from 'zod'
import { CONVERSION_STATUSES, type ConversionStatus } from '../ledger/transitions.ts'

export { CONVERSION_STATUSES, type ConversionStatus }

export const DEFAULT_STATUS_WORDS: Readonly<Record<string, ConversionStatus>> = Object.freeze({
  approved: 'confirmed',
  approve: 'confirmed',
  accepted: 'confirmed',
  confirmed: 'confirmed',
  paid: 'confirmed',
  '1': 'confirmed',
  pending: 'pending',
  hold: 'pending',
  '0': 'pending',
  declined: 'rejected',
  rejected: 'rejected',
  denied: 'rejected',
  invalid: 'rejected',
  '-1': 'rejected',
  reversed: 'reversed',
  chargeback: 'reversed',
  refund: 'reversed',
  refunded: 'reversed',
  cancelled: 'reversed',
  canceled: 'reversed',
})

/** The shape stored in Network.statusWords, validated when an operator sets it. */
export const statusWordsSchema = z
  .record(z.string().trim().min(1).max(32), z.enum(CONVERSION_STATUSES))
  .refine((o) => Object.keys(o).length <= 50, 'at most 50 words')

export function normaliseStatusWords(words: Record<string, ConversionStatus>): Record<string, ConversionStatus> {
  return Object.fromEntries(Object.entries(words).map(([w, s]) => [w.trim().toLowerCase(), s]))
}

/** A network's stored overrides; a corrupt value counts as none (the defaults still apply). */
export function parseStoredStatusWords(json: string): Record<string, ConversionStatus> {
  try {
    const parsed = statusWordsSchema.safeParse(JSON.parse(json))
    return parsed.success ? normaliseStatusWords(parsed.data) : {}
  } catch {
    return {}
  }
}

export function statusFromWord(word: string, overrides: Record<string, ConversionStatus> = {}): ConversionStatus | null {
  const key = word.trim().toLowerCase()
  // Own words only: "constructor" or "__proto__" must not read the objects' prototype.
  if (Object.hasOwn(overrides, key)) return overrides[key]!
  return Object.hasOwn(DEFAULT_STATUS_WORDS, key) ? DEFAULT_STATUS_WORDS[key]! : null
}
