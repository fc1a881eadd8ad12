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

// What each read was made from, so that a network's field map (known only once the
// network is) can read the same request again: live and in a replay of its log line.
const sourceOf = new WeakMap<ReadParams, { rawQuery: string; rawBody: string | null; bodyKind: BodyKind | null }>()

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
export function readPostbackParams(
  rawQuery: string,
  rawBody: string | null,
  bodyKind: BodyKind | null,
  fieldMap: FieldMap | null = null,
): ReadParams {
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
  /** One value for one of our fields: kept, or the field refused with a reason. */
  const take = (key: PostbackParamName, value: string, valueProblem: string | undefined, jsonNumber: boolean | undefined) => {
    if (refused.has(key)) return
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
  try {
    for (const source of sources) {
      for (const [name, value, valueProblem, jsonNumber] of source) {
        if (KNOWN.has(name)) take(name as PostbackParamName, value, valueProblem, jsonNumber)
      }
    }
  } catch (err) {
    problem ??= `unreadable body: ${(err as Error).message.split('\n')[0]}`
  }
  if (fieldMap) {
    // Their names and pointers, after ours: the same value under both is fine, two values are refused.
    for (const [key, value, valueProblem, jsonNumber] of mappedPairs(rawQuery, rawBody, bodyKind, fieldMap))
      take(key, value, valueProblem, jsonNumber)
  }
  const read: ReadParams = problem === null ? { ok: true, params } : { ok: false, reason: problem, params }
  sourceOf.set(read, { rawQuery, rawBody, bodyKind })
  return read
}

/** The same request read again through a network's field map (our own names still read). */
export function withFieldMap(read: ReadParams, fieldMap: FieldMap | null): ReadParams {
  const source = sourceOf.get(read)
  if (!fieldMap || !source) return read
  return readPostbackParams(source.rawQuery, source.rawBody, source.bodyKind, fieldMap)
}

// ---------------------------------------------------------------------------
// Field maps: where each of our fields is in a network's own postback.
//
// A network that cannot be set to our parameter names maps each field to its own
// parameter name (`"txn_id": "conversion_id"`), to a JSON pointer into a JSON body
// (`"/data/key"`, RFC 6901 with ~0 for ~ and ~1 for /), or to a pointer into a JSON
// document carried inside one form or query field (`"AwinTransactionPush#/transactionId"`:
// the field's name, "#", then the pointer, as in RFC 6901's URI fragment form).
// `network` and `token` are never mapped: they identify and authenticate the network
// before its map is known, and stay in the URL we generate. `amountUnit: "cents"`
// reads the amount as an integer count of cents (PartnerStack's 145 is 1.45).
// ---------------------------------------------------------------------------

export const MAPPABLE_FIELDS = ['subid', 'txn_id', 'amount', 'currency', 'status'] as const
export type MappableField = (typeof MAPPABLE_FIELDS)[number]

type FieldSource = { kind: 'param'; name: string } | { kind: 'pointer'; carrier: string | null; tokens: string[] }

export interface FieldMap {
  fields: Partial<Record<MappableField, FieldSource>>
  amountUnit: 'units' | 'cents'
}

/** The stored form of a field map: {ourField: "theirParam" | "/pointer" | "field#/pointer", amountUnit?}. */
export type StoredFieldMap = Partial<Record<MappableField, string>> & { amountUnit?: 'units' | 'cents' }

export class InvalidFieldMap extends Error {}

const PARAM_NAME = /^[A-Za-z0-9_.[\]:-]{1,64}$/
const MAPPABLE = new Set<string>(MAPPABLE_FIELDS)

function pointerTokens(pointer: string, what: string): string[] {
  if (!pointer.startsWith('/')) throw new InvalidFieldMap(`${what}: a JSON pointer starts with "/"`)
  if (pointer.length > 256) throw new InvalidFieldMap(`${what}: pointer too long (max 256)`)
  return pointer
    .slice(1)
    .split('/')
    .map((t) => {
      if (/~(?![01])/.test(t)) throw new InvalidFieldMap(`${what}: "~" must be written ~0 (and "/" ~1) in a pointer`)
      return t.replaceAll('~1', '/').replaceAll('~0', '~')
    })
}

function compileSource(field: string, spec: unknown): FieldSource {
  const what = `fieldMap.${field}`
  if (typeof spec !== 'string' || spec.trim() === '') throw new InvalidFieldMap(`${what}: a parameter name or a JSON pointer`)
  const text = spec.trim()
  if (text.startsWith('/')) return { kind: 'pointer', carrier: null, tokens: pointerTokens(text, what) }
  const hash = text.indexOf('#')
  if (hash !== -1) {
    const carrier = text.slice(0, hash)
    if (!PARAM_NAME.test(carrier)) throw new InvalidFieldMap(`${what}: "${carrier.slice(0, 64)}" is not a parameter name`)
    return { kind: 'pointer', carrier, tokens: pointerTokens(text.slice(hash + 1), what) }
  }
  if (!PARAM_NAME.test(text))
    throw new InvalidFieldMap(`${what}: "${text.slice(0, 64)}" is not a parameter name (letters, digits, _ . - : [ ])`)
  if ((POSTBACK_PARAMS as readonly string[]).includes(text) && text !== field)
    throw new InvalidFieldMap(`${what}: "${text}" is our own parameter for another field`)
  return { kind: 'param', name: text }
}

/** A field map checked and compiled once (throws InvalidFieldMap with the reason); null when it maps nothing. */
export function compileFieldMap(value: unknown): FieldMap | null {
  if (value === null || value === undefined) return null
  if (typeof value !== 'object' || Array.isArray(value))
    throw new InvalidFieldMap('fieldMap: an object {ourField: "theirParam" | "/json/pointer"}')
  const fields: FieldMap['fields'] = {}
  let amountUnit: FieldMap['amountUnit'] = 'units'
  for (const [field, spec] of Object.entries(value as Record<string, unknown>)) {
    if (field === 'amountUnit') {
      if (spec !== 'units' && spec !== 'cents') throw new InvalidFieldMap('fieldMap.amountUnit: "units" or "cents"')
      amountUnit = spec
    } else if (field === 'network' || field === 'token') {
      throw new InvalidFieldMap(
        `fieldMap.${field}: ${field} is read under our own name, before the map applies: keep ${field}=… in the URL we give`,
      )
    } else if (!MAPPABLE.has(field)) {
      throw new InvalidFieldMap(`fieldMap.${field.slice(0, 32)}: not one of our fields (${MAPPABLE_FIELDS.join(', ')}, amountUnit)`)
    } else {
      fields[field as MappableField] = compileSource(field, spec)
    }
  }
  return Object.keys(fields).length === 0 && amountUnit === 'units' ? null : { fields, amountUnit }
}

/** A network's stored map, compiled; a corrupt one counts as none (our names still read). */
export function parseStoredFieldMap(json: string): FieldMap | null {
  try {
    return compileFieldMap(JSON.parse(json))
  } catch {
    return null
  }
}

type MappedPair = [name: PostbackParamName, value: string, problem?: string, jsonNumber?: boolean]

/** Every value of one parameter name, in the query and in the body (form fields or top-level JSON members). */
function valuesOf(name: string, rawQuery: string, rawBody: string | null, bodyKind: BodyKind | null, json: () => unknown): unknown[] {
  const values: unknown[] = new URLSearchParams(rawQuery).getAll(name)
  if (rawBody) {
    if (bodyKind === 'json') {
      const doc = json()
      if (doc !== null && typeof doc === 'object' && !Array.isArray(doc) && Object.hasOwn(doc, name))
        values.push((doc as Record<string, unknown>)[name])
    } else values.push(...new URLSearchParams(rawBody).getAll(name))
  }
  return values
}

function resolvePointer(doc: unknown, tokens: string[]): unknown {
  let at = doc
  for (const t of tokens) {
    if (Array.isArray(at)) {
      if (!/^(0|[1-9][0-9]*)$/.test(t)) return undefined
      at = at[Number(t)]
    } else if (at !== null && typeof at === 'object' && Object.hasOwn(at, t)) at = (at as Record<string, unknown>)[t]
    else return undefined
  }
  return at
}

/** "145" (cents) → "1.45", exactly; null when it is not a whole number of cents. */
function fromCents(text: string): string | null {
  const m = /^\s*(-?)([0-9]{1,15})\s*$/.exec(text)
  if (!m) return null
  const digits = m[2]!.padStart(3, '0')
  return `${m[1]}${digits.slice(0, -2).replace(/^0+(?=\d)/, '')}.${digits.slice(-2)}`
}

function* mappedPairs(rawQuery: string, rawBody: string | null, bodyKind: BodyKind | null, map: FieldMap): Generator<MappedPair> {
  let parsedBody: { doc: unknown } | null = null
  const body = (): unknown => {
    parsedBody ??= { doc: rawBody && bodyKind === 'json' ? JSON.parse(rawBody) : undefined }
    return parsedBody.doc
  }
  for (const field of MAPPABLE_FIELDS) {
    const source = map.fields[field]
    if (!source) continue
    const where = source.kind === 'param' ? source.name : `${source.carrier ?? ''}#/${source.tokens.join('/')}`.replace(/^#/, '')
    let found: unknown[]
    try {
      if (source.kind === 'param') found = valuesOf(source.name, rawQuery, rawBody, bodyKind, body)
      else if (source.carrier === null) found = bodyKind === 'json' && rawBody ? [resolvePointer(body(), source.tokens)] : []
      else
        found = valuesOf(source.carrier, rawQuery, rawBody, bodyKind, body).map((carried) => {
          if (typeof carried !== 'string') throw new Error(`${source.carrier} is not a JSON text`)
          return resolvePointer(JSON.parse(carried), source.tokens)
        })
    } catch (err) {
      yield [field, '', `unreadable ${where} for ${field}: ${(err as Error).message.split('\n')[0]}`]
      continue
    }
    for (const v of found) {
      if (v === null || v === undefined) continue
      if (typeof v !== 'string' && typeof v !== 'number' && typeof v !== 'boolean') {
        yield [field, '', `${where} (for ${field}) is not a plain value`]
        continue
      }
      if (field === 'txn_id' && typeof v === 'number' && !Number.isSafeInteger(v)) {
        yield [field, '', `${where} (for txn_id) is a JSON number that is not an exact integer: it cannot be an id`]
        continue
      }
      const text = String(v)
      if (field === 'amount' && map.amountUnit === 'cents' && text.trim() !== '') {
        const units = fromCents(text)
        if (units === null) {
          yield [field, '', `${where} (for amount, in cents) is not a whole number of cents: "${text.slice(0, 32)}"`]
          continue
        }
        // Canonical text of ours ("1.45"): read like a JSON number, whatever separator the network declares.
        yield [field, units, undefined, true]
        continue
      }
      yield [field, text, undefined, typeof v === 'number']
    }
  }
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
