// Networks speak their own status words; the ledger knows four statuses. The
// default words are DESIGN.md's. A network's words are merged over its preset's,
// and those over the defaults, when the network is read (only the network's own
// words are stored, so a preset's words stay its preset's). A network's word set
// to null hides an inherited word: it is then an unknown status for that network.
// Matching ignores case and spaces around the word (Impact sends APPROVED, others approved).
import { z } from 'zod'
import { CONVERSION_STATUSES, type ConversionStatus } from '../ledger/transitions.ts'

export { CONVERSION_STATUSES, type ConversionStatus }

/** Words as a network stores them: a status, or null to hide an inherited word. */
export type StatusWords = Record<string, ConversionStatus | null>

export const DEFAULT_STATUS_WORDS: Readonly<Record<string, ConversionStatus>> = Object.freeze({
  approved: 'confirmed',
  approve: 'confirmed',
  accepted: 'confirmed',
  confirmed: 'confirmed',
  paid: 'confirmed',
  sale: 'confirmed',
  '1': 'confirmed',
  pending: 'pending',
  hold: 'pending',
  lead: 'pending',
  '0': 'pending',
  declined: 'rejected',
  rejected: 'rejected',
  denied: 'rejected',
  invalid: 'rejected',
  trash: 'rejected',
  '-1': 'rejected',
  reversed: 'reversed',
  chargeback: 'reversed',
  refund: 'reversed',
  refunded: 'reversed',
  cancelled: 'reversed',
  canceled: 'reversed',
  deleted: 'reversed',
})

export const MAX_OWN_STATUS_WORDS = 50

const word = z.string().trim().min(1).max(32)

/** Words an operator sends (create or PATCH): a status, or null to remove the word. */
export const statusWordsSchema = z
  .record(word, z.enum(CONVERSION_STATUSES).nullable())
  .refine((o) => Object.keys(o).length <= MAX_OWN_STATUS_WORDS, `at most ${MAX_OWN_STATUS_WORDS} words`)

const key = (w: string) => w.trim().toLowerCase()

export function normaliseStatusWords(words: StatusWords): StatusWords {
  return Object.fromEntries(Object.entries(words).map(([w, s]) => [key(w), s]))
}

/** A network's stored words; a corrupt value counts as none (the preset's and the defaults still apply). */
export function parseStoredStatusWords(json: string): StatusWords {
  try {
    const parsed = statusWordsSchema.safeParse(JSON.parse(json))
    return parsed.success ? normaliseStatusWords(parsed.data) : {}
  } catch {
    return {}
  }
}

/**
 * The network's own words after a change: a status adds or overrides the word; null
 * removes the network's own word and, if its preset or the defaults still define it,
 * keeps a null so that the word is unknown for this network.
 */
export function applyStatusWordChanges(
  own: StatusWords,
  changes: StatusWords,
  inherited: Readonly<Record<string, ConversionStatus>>,
): StatusWords {
  const next: StatusWords = { ...own }
  for (const [w, status] of Object.entries(normaliseStatusWords(changes))) {
    if (status !== null) next[w] = status
    else if (Object.hasOwn(inherited, w) || Object.hasOwn(DEFAULT_STATUS_WORDS, w)) next[w] = null
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete -- removing the word is the point
    else delete next[w]
  }
  return next
}

/** The words a network answers to, beyond the defaults: its preset's, then its own over them (nulls hide). */
export function mergeStatusWords(presetWords: Readonly<Record<string, ConversionStatus>> | undefined, own: StatusWords): StatusWords {
  return { ...normaliseStatusWords(presetWords ?? {}), ...own }
}

/** Every word a network answers to, defaults included (for the operator's view). */
export function effectiveStatusWords(merged: StatusWords): Record<string, ConversionStatus> {
  const all: StatusWords = { ...DEFAULT_STATUS_WORDS, ...merged }
  return Object.fromEntries(Object.entries(all).filter((e): e is [string, ConversionStatus] => e[1] !== null))
}

export function statusFromWord(word: string, overrides: StatusWords = {}): ConversionStatus | null {
  const k = key(word)
  // Own words only: "constructor" or "__proto__" must not read the objects' prototype.
  if (Object.hasOwn(overrides, k)) return overrides[k] ?? null
  return Object.hasOwn(DEFAULT_STATUS_WORDS, k) ? DEFAULT_STATUS_WORDS[k]! : null
}
