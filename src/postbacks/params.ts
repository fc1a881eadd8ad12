// The postback's parameters, read from the raw query string and the raw body
// (form-encoded or JSON) exactly as logged, so that a replay of the log reads the
// same thing the live request did. A parameter given twice with different values
// is refused: which one the network meant is a guess we do not make.
export const POSTBACK_PARAMS = ['subid', 'amount', 'currency', 'status', 'txn_id', 'network', 'token'] as const
export type PostbackParamName = (typeof POSTBACK_PARAMS)[number]
export type PostbackParams = Partial<Record<PostbackParamName, string>>

export type BodyKind = 'form' | 'json'

const MAX_LENGTH: Record<PostbackParamName, number> = {
  subid: 200,
  amount: 64,
  currency: 16,
  status: 64,
  txn_id: 128,
  network: 64,
  token: 256,
}

const KNOWN = new Set<string>(POSTBACK_PARAMS)
const NOT_TEXT = /\u0000|\p{Cs}/u

export type ReadParams = { ok: true; params: PostbackParams } | { ok: false; reason: string; params: PostbackParams }

function* formPairs(raw: string): Generator<[string, string]> {
  for (const [k, v] of new URLSearchParams(raw)) yield [k, v]
}

function* jsonPairs(raw: string): Generator<[string, string]> {
  const parsed: unknown = JSON.parse(raw)
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body is not a JSON object')
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!KNOWN.has(k)) continue
    if (v === null || v === undefined) continue
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`parameter ${k} is not a plain value`)
    yield [k, String(v)]
  }
}

export function readPostbackParams(rawQuery: string, rawBody: string | null, bodyKind: BodyKind | null): ReadParams {
  const params: PostbackParams = {}
  const sources: Iterable<[string, string]>[] = [formPairs(rawQuery)]
  if (rawBody) sources.push(bodyKind === 'json' ? jsonPairs(rawBody) : formPairs(rawBody))
  try {
    for (const source of sources) {
      for (const [name, value] of source) {
        if (!KNOWN.has(name)) continue
        const key = name as PostbackParamName
        const previous = params[key]
        if (previous !== undefined && previous !== value) return { ok: false, reason: `parameter ${key} given twice with different values`, params }
        if (value.length > MAX_LENGTH[key]) return { ok: false, reason: `parameter ${key} too long (max ${MAX_LENGTH[key]})`, params }
        // NUL cannot be stored by PostgreSQL, and a lone surrogate (only JSON can carry one) is not text.
        if (NOT_TEXT.test(value)) return { ok: false, reason: `parameter ${key} is not text (NUL or a lone surrogate)`, params }
        params[key] = value
      }
    }
  } catch (err) {
    return { ok: false, reason: `unreadable body: ${(err as Error).message.split('\n')[0]}`, params }
  }
  return { ok: true, params }
}

/** Masks the token's value in a query string or form body: `token=<secret>` → `token=<replacement>`. */
export function maskFormToken(raw: string, replacement: string): string {
  if (!raw.includes('=')) return raw
  return raw
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=')
      if (eq === -1) return pair
      let name = pair.slice(0, eq)
      try {
        name = decodeURIComponent(name.replace(/\+/g, ' '))
      } catch {
        // an undecodable name is not "token"
      }
      return name === 'token' ? `${pair.slice(0, eq)}=${encodeURIComponent(replacement)}` : pair
    })
    .join('&')
}

const JSON_MEMBER = /("(?:[^"\\]|\\.)*")(\s*:\s*)("(?:[^"\\]|\\.)*"|[^,}\]\s]+)/g

function jsonString(literal: string): string | null {
  try {
    return JSON.parse(literal) as string
  } catch {
    return null
  }
}

/** Masks the token's value in a JSON body, leaving the rest as received. */
export function maskJsonToken(raw: string, replacement: string): string {
  // The key may be escaped ("tok\u0065n" is "token" to JSON.parse too).
  const masked = raw.replace(JSON_MEMBER, (member, key: string, colon: string) =>
    jsonString(key) === 'token' ? `${key}${colon}${JSON.stringify(replacement)}` : member,
  )
  // Whatever the text's tricks, the token a reader would find must be the mask.
  try {
    const parsed: unknown = JSON.parse(masked)
    if (parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) && Object.hasOwn(parsed, 'token') && (parsed as { token: unknown }).token !== replacement) {
      return JSON.stringify({ ...(parsed as object), token: replacement })
    }
  } catch {
    // Not JSON: nothing can read a token from it.
  }
  return masked
}
