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
// NUL is exactly what this looks for (text PostgreSQL cannot store).
// eslint-disable-next-line no-control-regex
const NOT_TEXT = /\u0000|\p{Cs}/u

export type ReadParams = { ok: true; params: PostbackParams } | { ok: false; reason: string; params: PostbackParams }

/** A value as read, or why it cannot be taken (the request is then refused with that reason). */
type Pair = [name: string, value: string, problem?: string, jsonNumber?: boolean]

// The parameters that came as JSON numbers, beside the params object (which stays
// plain text): "1.234" as a JSON number is unambiguous, as text it is not.
const jsonNumbers = new WeakMap<PostbackParams, Set<PostbackParamName>>()

/** True when the parameter came as a JSON number (read with "." as decimal, never grouped). */
export function isJsonNumber(params: PostbackParams, name: PostbackParamName): boolean {
  return jsonNumbers.get(params)?.has(name) ?? false
}

function* formPairs(raw: string): Generator<Pair> {
  for (const [k, v] of new URLSearchParams(raw)) yield [k, v]
}

function* jsonPairs(raw: string): Generator<Pair> {
  const parsed: unknown = JSON.parse(raw)
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('body is not a JSON object')
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (!KNOWN.has(k)) continue
    if (v === null || v === undefined) continue
    if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') throw new Error(`parameter ${k} is not a plain value`)
    // JSON.parse rounds a number past 2^53 to the nearest double: two distinct ids
    // would read as one, and the second conversion would be answered DUPLICATE.
    if (k === 'txn_id' && typeof v === 'number' && !Number.isSafeInteger(v)) {
      yield [k, '', 'parameter txn_id is a JSON number that is not an exact integer (beyond 2^53 or a fraction): send it as a JSON string']
      continue
    }
    yield [k, String(v), undefined, typeof v === 'number']
  }
}

/**
 * The parameters, or the first reason they cannot be taken. Reading goes on past
 * a bad value (that parameter left out) so that a refused request can still be
 * told authentic or not: its log line is kept in full only if it is.
 */
export function readPostbackParams(rawQuery: string, rawBody: string | null, bodyKind: BodyKind | null): ReadParams {
  const params: PostbackParams = {}
  const refused = new Set<PostbackParamName>()
  let problem: string | null = null
  const refuse = (key: PostbackParamName, reason: string) => {
    problem ??= reason
    refused.add(key)
    // A refused parameter is absent, as if it had not been sent.
    // eslint-disable-next-line @typescript-eslint/no-dynamic-delete
    delete params[key]
  }
  const sources: Iterable<Pair>[] = [formPairs(rawQuery)]
  if (rawBody) sources.push(bodyKind === 'json' ? jsonPairs(rawBody) : formPairs(rawBody))
  try {
    for (const source of sources) {
      for (const [name, value, valueProblem, jsonNumber] of source) {
        if (!KNOWN.has(name)) continue
        const key = name as PostbackParamName
        if (refused.has(key)) continue
        const previous = params[key]
        if (valueProblem !== undefined) refuse(key, valueProblem)
        else if (previous !== undefined && previous !== value) refuse(key, `parameter ${key} given twice with different values`)
        else if (value.length > MAX_LENGTH[key]) refuse(key, `parameter ${key} too long (max ${MAX_LENGTH[key]})`)
        // NUL cannot be stored by PostgreSQL, and a lone surrogate (only JSON can carry one) is not text.
        else if (NOT_TEXT.test(value)) refuse(key, `parameter ${key} is not text (NUL or a lone surrogate)`)
        else {
          params[key] = value
          if (jsonNumber) jsonNumbers.set(params, (jsonNumbers.get(params) ?? new Set()).add(key))
        }
      }
    }
  } catch (err) {
    problem ??= `unreadable body: ${(err as Error).message.split('\n')[0]}`
  }
  return problem === null ? { ok: true, params } : { ok: false, reason: problem, params }
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

/** Every `"token": …` member masked, wherever it is and whether or not the text parses. */
function maskJsonMembers(raw: string, replacement: string): string {
  if (!raw.includes('"')) return raw
  // The key may be escaped ("tok\u0065n" is "token" to JSON.parse too).
  return raw.replace(JSON_MEMBER, (member, key: string, colon: string) =>
    jsonString(key) === 'token' ? `${key}${colon}${JSON.stringify(replacement)}` : member,
  )
}

/** The JSON body masked, and whether it was a JSON object at all (null: it was not). */
function maskJsonObject(raw: string, replacement: string): string | null {
  const masked = maskJsonMembers(raw, replacement)
  let parsed: unknown
  try {
    parsed = JSON.parse(masked)
  } catch {
    return null
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return null
  // Whatever the text's tricks, the token a reader would find must be the mask.
  if (Object.hasOwn(parsed, 'token') && (parsed as { token: unknown }).token !== replacement) {
    return JSON.stringify({ ...parsed, token: replacement })
  }
  return masked
}

/** Masks the token's value in a JSON body, leaving the rest as received. */
export function maskJsonToken(raw: string, replacement: string): string {
  return maskJsonObject(raw, replacement) ?? maskJsonMembers(raw, replacement)
}

/**
 * Masks the token in text of any shape, whatever its declared content type: a
 * JSON object as JSON; anything else (a form, a query, a JSON body sent as a
 * form or the reverse, text that parses as neither) both as a form
 * (`token=…`) and as JSON-like text (`"token": …`).
 */
export function maskTokenAnywhere(raw: string, replacement: string): string {
  if (raw.trimStart().startsWith('{')) {
    const json = maskJsonObject(raw, replacement)
    if (json !== null) return json
  }
  return maskLooseToken(maskJsonMembers(maskFormToken(raw, replacement), replacement), replacement)
}

// `token=…` inside text that is not a clean form ("junk token=…"): the name
// starts after anything that cannot be part of a parameter name.
const LOOSE_TOKEN = /(^|[^\w.%~-])token=([^&\s"',;]*)/g

function maskLooseToken(raw: string, replacement: string): string {
  if (!raw.includes('token=')) return raw
  const mask = encodeURIComponent(replacement)
  return raw.replace(LOOSE_TOKEN, (_match, before: string) => `${before}token=${mask}`)
}

const HEX = (n: number, width: number) =>
  n
    .toString(16)
    .padStart(width, '0')
    .replace(/[a-f]/g, (d) => `[${d}${d.toUpperCase()}]`)

const REGEX_SPECIAL = /[.*+?^${}()|[\]\\/-]/g

/**
 * A pattern for `secret` however it is spelled in stored text: each character as
 * itself, percent-encoded (UTF-8, either case), `+` for a space, or escaped as
 * JSON would (\uXXXX, \" \\ \/).
 */
export function secretPattern(secret: string): RegExp {
  let source = ''
  for (const ch of secret) {
    const alternatives = [ch.replace(REGEX_SPECIAL, '\\$&')]
    alternatives.push([...Buffer.from(ch, 'utf8')].map((b) => `%${HEX(b, 2)}`).join(''))
    if (ch === ' ') alternatives.push('\\+')
    if (ch === '"' || ch === '\\' || ch === '/') alternatives.push(`\\\\\\${ch}`)
    alternatives.push(
      ch
        .split('')
        .map((unit) => `\\\\u${HEX(unit.charCodeAt(0), 4)}`)
        .join(''),
    )
    source += `(?:${alternatives.join('|')})`
  }
  return new RegExp(source, 'g')
}
