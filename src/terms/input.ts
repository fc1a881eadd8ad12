// The terms as the API receives them ({mode, value}): a percent with at most 2
// decimals for revshare, whole cents otherwise. One-line reasons for refusals.
import { InvalidInput } from '../errors.ts'
import { TERMS_MODES, type Terms, type TermsMode } from './rules.ts'

/** Cents per conversion or click above this are a typo, not terms (€ 10 000). */
export const MAX_TERMS_CENTS = 1_000_000

function isMode(v: unknown): v is TermsMode {
  return typeof v === 'string' && (TERMS_MODES as readonly string[]).includes(v)
}

/** A JSON number or a numeric string ("35", "35.5", "12,50" refused: use a dot). */
function numberOf(v: unknown): number | null {
  if (typeof v === 'number' && Number.isFinite(v)) return v
  if (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim())) return Number(v.trim())
  return null
}

export function parseTerms(body: unknown): Terms {
  const input = (body ?? {}) as Record<string, unknown>
  if (typeof input !== 'object' || Array.isArray(input)) throw new InvalidInput('body: expected {mode, value}')
  const { mode, value } = input
  if (!isMode(mode)) throw new InvalidInput(`mode: expected one of ${TERMS_MODES.join(', ')}`)
  const n = numberOf(value)
  if (n === null) throw new InvalidInput('value: expected a number')
  if (mode === 'revshare') {
    if (n < 0 || n > 100) throw new InvalidInput('value: a revshare percent is between 0 and 100')
    const bp = Math.round(n * 100)
    if (Math.abs(bp - n * 100) > 1e-6) throw new InvalidInput('value: a percent has at most 2 decimals')
    return { mode, value: bp }
  }
  if (!Number.isInteger(n)) throw new InvalidInput(`value: ${mode} is whole cents (an integer)`)
  if (n < 0) throw new InvalidInput(`value: ${mode} cents cannot be negative`)
  if (n > MAX_TERMS_CENTS) throw new InvalidInput(`value: ${mode} is at most ${MAX_TERMS_CENTS} cents`)
  return { mode, value: n }
}

/** The override's offer: a positive integer id. */
export function parseOfferId(body: unknown): number {
  const v = ((body ?? {}) as Record<string, unknown>).offerId
  const n = typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : v
  if (typeof n !== 'number' || !Number.isInteger(n) || n <= 0 || n > 2_147_483_647) throw new InvalidInput('offerId: expected an offer id')
  return n
}
