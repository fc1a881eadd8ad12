// Property-based garbage at the two public endpoints, through the real app on a
// real database: `/aff/postback` (GET query, POST form body, POST JSON body) and
// `/r/:code`, against a network/offer/partner onboarded as an operator would.
//
// Each generated request is labelled by construction (which values are valid,
// which are garbage, which are missing or repeated), so the oracle of what the
// answer and the write must be comes from those labels and the contract in
// README/DESIGN — not from the code under test. After every request:
//   - never a 5xx;
//   - the answer is the one the contract gives (status and OK/DUPLICATE);
//   - the ledger changed exactly as a valid postback should, and not at all otherwise
//     (entry count, the entry's status/amount/partner/flag, history count);
//   - the request is in the postback log, with a matching outcome and no token;
//   - a click row appears only for a live link's code, and the redirect goes only
//     to the offer's own URL.
// Used by tests/security/garbage-input.test.ts (npm test) and, with more runs, by
// tests/reliability/garbage-input.test.ts (npm run test:reliability).
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { MAX_CONVERSION_CENTS } from '../../src/postbacks/currency.ts'
import { readPostbackParams } from '../../src/postbacks/params.ts'
import { adminHeaders, buildTestApp, TEST_ADMIN_SECRET } from './app.ts'
import { describeEachDatabase, type TestDatabase } from './databases.ts'
import { onboardBenchLink, type BenchLink } from './onboard.ts'

export interface GarbageOptions {
  postbackRuns: number
  redirectRuns: number
}

// ---------------------------------------------------------------- the contract

const MAX_URL = 8 * 1024
const MAX_BODY = 64 * 1024
/** FX_RATES of the test app (the defaults), as exact decimals. */
const RATES: Record<string, string> = { EUR: '1', USD: '0.92', GBP: '1.17', CHF: '1.05', CAD: '0.68', AUD: '0.61' }
const DEFAULT_WORDS: Record<string, Status> = {
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
}
type Status = 'pending' | 'confirmed' | 'rejected' | 'reversed'
const PARAMS = ['network', 'token', 'subid', 'txn_id', 'status', 'amount', 'currency'] as const
type Param = (typeof PARAMS)[number]
/** README: longer values are refused as unreadable (in UTF-16 code units, as JavaScript counts). */
const MAX_LENGTH: Record<Param, number> = { subid: 200, amount: 64, currency: 16, status: 64, txn_id: 128, network: 64, token: 256 }
const KNOWN = new Set<string>(PARAMS)

/** The second network speaks its own words: "won" is a sale, and "approved" means rejected there. */
const OTHER_WORDS: Record<string, Status> = { won: 'confirmed', approved: 'rejected' }
const OTHER_TOKEN = 'other-network-token-0123456789abcdef'

interface World {
  app: FastifyInstance
  t: TestDatabase
  garb: BenchLink & { networkId: number }
  other: BenchLink & { networkId: number }
}

// ---------------------------------------------------------------- generated requests

/** A value and what the contract says of it, in the context where it was generated. */
interface Val {
  text: string
  /** Invalid for this parameter whatever else the request holds. */
  bad?: boolean
  /** Where it is sent (set once the transport is known). */
  inQuery?: boolean
}

interface PostbackCase {
  transport: 'get' | 'form' | 'json'
  contentType: string | null
  /** Per parameter: its occurrences (0: missing, 2: repeated). */
  slots: Record<Param, Val[]>
  encoding: 'pct' | 'plus' | 'raw' | 'name-pct'
  extras: [string, string][]
  /** Fragments added as they are (&&, =, %zz…). */
  rawFragments: string[]
  shuffle: number
  /** Which network's identity the valid choices refer to (for the oracle). */
  networkKey: 'garb' | 'other'
  amountCents: { units: bigint; scale: number } | null
  subidKind: SubidKind | null
}

type SubidKind = 'real' | 'real-other' | 'unknown-click' | 'unknown-partner' | 'mismatch'

// Garbage that no reading of the contract could take for a valid value.
const anyText = fc.oneof(
  { weight: 3, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'constructor',
      '__proto__',
      'toString',
      'hasOwnProperty',
      'null',
      'undefined',
      'NaN',
      'Infinity',
      '[object Object]',
      "' OR 1=1 --",
      '<script>alert(1)</script>',
      '\u0000',
      'a\u0000b',
      '%00',
      '\ufeff',
      '\u202e',
      '\ud800',
      'a\udfffb',
      ' ',
      '',
    ),
  },
)
/** Longer than any parameter may be; sometimes more than a body may be. */
const huge = fc
  .integer({ min: 300, max: 40_000 })
  .chain((n) => fc.constantFrom('x', 'é', '😀', '%', '&', '0', ' ').map((c) => c.repeat(Math.ceil(n / c.length))))

const garbage = (invalidIf: (s: string) => boolean): fc.Arbitrary<Val> =>
  fc.oneof(
    { weight: 6, arbitrary: anyText.filter(invalidIf).map((text) => ({ text, bad: true })) },
    { weight: 1, arbitrary: huge.map((text) => ({ text, bad: true })) },
  )

function networkValues(key: 'garb' | 'other'): fc.Arbitrary<Val> {
  const slug = key === 'garb' ? 'benchnet-g' : 'benchnet-o'
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant({ text: slug }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { text: 'unknownnet', bad: true },
        { text: slug.toUpperCase(), bad: true },
        { text: `${slug}x`, bad: true },
      ),
    },
    { weight: 1, arbitrary: garbage((s) => s.trim() !== 'benchnet-g' && s.trim() !== 'benchnet-o') },
  )
}

function tokenValues(world: World, key: 'garb' | 'other'): fc.Arbitrary<Val> {
  const right = key === 'garb' ? world.garb.token : OTHER_TOKEN
  const wrong = key === 'garb' ? OTHER_TOKEN : world.garb.token
  return fc.oneof(
    { weight: 8, arbitrary: fc.constant({ text: right }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        { text: wrong, bad: true },
        { text: `${right} `, bad: true },
        { text: right.toUpperCase(), bad: true },
        { text: right.slice(1), bad: true },
      ),
    },
    { weight: 1, arbitrary: garbage((s) => s !== world.garb.token && s !== OTHER_TOKEN) },
  )
}

function subidValues(world: World): fc.Arbitrary<{ val: Val; kind: SubidKind | null }> {
  const [gp, ga, gc] = world.garb.subid.split(':') as [string, string, string]
  const [op, oa, oc] = world.other.subid.split(':') as [string, string, string]
  const valid: [SubidKind, string][] = [
    ['real', `${gp}:${ga}:${gc}`],
    ['real', `${gp}_${ga}_${gc}`],
    ['real', `${gp}-${ga}-${gc}`],
    ['real', encodeURIComponent(`${gp}:${ga}:${gc}`)],
    ['real', ` ${gp}:${ga}:${gc} `],
    ['real-other', `${op}:${oa}:${oc}`],
    ['unknown-click', `${gp}:${ga}:NoSuchClick0000000000x`],
    ['unknown-partner', `987654:${ga}:NoSuchClick0000000000y`],
    ['mismatch', `${gp}:${oa}:${gc}`],
  ]
  const invalid = [
    'abc',
    `${gp}:${ga}`,
    `${gp}:${ga}:`,
    `x:${ga}:${gc}`,
    `${gp}:${ga}_${gc}`,
    `${gp}:${ga}:${gc} x`,
    `${gp}:${ga}:<script>`,
    '%E0%A4%A',
    '99999999999:1:k',
    '2147483648:1:k',
    `${gp}::${gc}`,
    `:${ga}:${gc}`,
    `${gp}:${ga}:${gc}\u0000`,
  ]
  return fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...valid).map(([kind, text]) => ({ val: { text }, kind })) },
    { weight: 1, arbitrary: fc.constantFrom(...invalid).map((text) => ({ val: { text, bad: true }, kind: null })) },
    // No valid sub-id has a digit followed by a separator or "%" nowhere: certainly not one.
    { weight: 1, arbitrary: garbage((s) => !/\d[:_%-]/.test(s)).map((val) => ({ val, kind: null })) },
  )
}

// txn ids: a small pool so that the same conversion comes back (duplicates, status
// changes, corrections, returns), and any text at all (which is a valid txn id).
const txnValues: fc.Arbitrary<Val> = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.constantFrom('T-1', 'T-2', 'T-3', ' T-1 ', 'tx é 😀', 'Ü-ñ-中文', 'T-1\t', "O'Brien;--").map((text) => ({ text })),
  },
  {
    weight: 3,
    arbitrary: fc
      .oneof(
        fc.string({ minLength: 1, maxLength: 100 }),
        fc.string({ unit: 'binary', minLength: 1, maxLength: 100 }),
        fc.string({ unit: 'grapheme', minLength: 1, maxLength: 30 }),
      )
      .filter((s) => s.length <= 128)
      .map((text) => ({ text, bad: text.trim() === '' || text.includes('\u0000') })),
  },
  { weight: 1, arbitrary: fc.constantFrom('', '   ', '\u0000', 'T\u0000-1').map((text) => ({ text, bad: true })) },
  { weight: 1, arbitrary: huge.map((text) => ({ text, bad: true })) },
)

function statusValues(key: 'garb' | 'other'): fc.Arbitrary<Val> {
  const words = key === 'garb' ? DEFAULT_WORDS : { ...DEFAULT_WORDS, ...OTHER_WORDS }
  const known = Object.keys(words)
  return fc.oneof(
    {
      weight: 8,
      arbitrary: fc
        .tuple(fc.constantFrom(...known), fc.constantFrom('lower', 'upper', 'spaced'))
        .map(([w, how]) => ({ text: how === 'upper' ? w.toUpperCase() : how === 'spaced' ? ` ${w} ` : w })),
    },
    // Near misses, and the names every JavaScript object answers to.
    {
      weight: 2,
      arbitrary: fc
        .constantFrom('constructor', '__proto__', 'CONSTRUCTOR', ' __proto__ ', 'hasOwnProperty', 'approved2', 'rebill', 'ok', '-2')
        .filter((w) => !Object.hasOwn(words, w))
        .map((text) => ({ text, bad: true })),
    },
    { weight: 2, arbitrary: garbage((s) => !Object.hasOwn(words, s.trim().toLowerCase())) },
  )
}

/** Valid amounts up to 500,000.00 in any currency (under the 1,000,000 EUR cap), written every way networks do. */
const amountValues: fc.Arbitrary<{ val: Val; exact: { units: bigint; scale: number } | null }> = fc.oneof(
  {
    weight: 7,
    arbitrary: fc
      .tuple(fc.integer({ min: 0, max: 50_000_000 }), fc.constantFrom(0, 1, 2), fc.constantFrom('.', ','), fc.boolean())
      .map(([cents, decimals, sep, pad]) => {
        // cents rounded to the precision written, so the text is exact
        const units = decimals === 2 ? cents : decimals === 1 ? Math.floor(cents / 10) : Math.floor(cents / 100)
        const s = String(units).padStart(decimals + 1, '0')
        const text = decimals === 0 ? s : `${s.slice(0, -decimals)}${sep}${s.slice(-decimals)}`
        return { val: { text: pad ? ` ${text} ` : text }, exact: { units: BigInt(units), scale: decimals } }
      }),
  },
  // Negative: a partial return of a known conversion (refused for an unknown one).
  {
    weight: 2,
    arbitrary: fc
      .tuple(fc.integer({ min: 1, max: 5_000_000 }), fc.constantFrom(0, 1, 2), fc.constantFrom('.', ','))
      .map(([units, decimals, sep]) => {
        const s = String(units).padStart(decimals + 1, '0')
        const text = decimals === 0 ? s : `${s.slice(0, -decimals)}${sep}${s.slice(-decimals)}`
        return { val: { text: `-${text}` }, exact: { units: -BigInt(units), scale: decimals } }
      }),
  },
  { weight: 1, arbitrary: fc.constantFrom('', ' ').map((text) => ({ val: { text }, exact: null })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom(
        '1e3',
        '12.5.3',
        '1,00.00',
        '1,234',
        '1.234',
        'abc',
        'NaN',
        'Infinity',
        '0x10',
        '1_000',
        '١٢',
        '12 50',
        '+5',
        '.',
        ',',
        '1234567890',
        '2000000',
        '5000000.00',
        '12.123456789',
        '€12',
        '12€',
        '12.50 €',
      )
      .map((text) => ({ val: { text, bad: true }, exact: null })),
  },
  // Something other than digits, "." and "," inside, and not digits grouped by spaces, signed or with a glued code: not an amount.
  {
    weight: 1,
    arbitrary: garbage((s) => /[^0-9.,]/.test(s.trim()) && !/^(?:[A-Za-z]{3})?[\s\d.,\u2212-]*(?:[A-Za-z]{3})?$/.test(s.trim())).map(
      (val) => ({
        val,
        exact: null,
      }),
    ),
  },
)

const currencyValues: fc.Arbitrary<Val> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('EUR', 'eur', ' USD ', 'GBP', 'chf', 'CAD', 'AUD').map((text) => ({ text })) },
  { weight: 1, arbitrary: fc.constantFrom('JPY', 'XXX', 'EU', 'EURO', '€', 'US D').map((text) => ({ text, bad: true })) },
  // (A blank currency is no currency: the network's default applies.)
  { weight: 1, arbitrary: garbage((s) => s.trim() !== '' && !Object.hasOwn(RATES, s.trim().toUpperCase())) },
)

/** 0, 1 or 2 occurrences of a parameter; the second one the same or another value. */
function slot<T extends { val: Val }>(values: fc.Arbitrary<T>, optional: boolean): fc.Arbitrary<T[]> {
  return fc.oneof(
    { weight: 14, arbitrary: values.map((v) => [v]) },
    { weight: optional ? 3 : 1, arbitrary: fc.constant([] as T[]) },
    { weight: 1, arbitrary: values.map((v) => [v, v]) },
    { weight: 1, arbitrary: fc.tuple(values, values).map(([a, b]) => [a, b]) },
  )
}
const wrap = (a: fc.Arbitrary<Val>) => a.map((val) => ({ val }))

function postbackCases(world: World): fc.Arbitrary<PostbackCase> {
  return fc.constantFrom<'garb' | 'other'>('garb', 'other').chain((networkKey) =>
    fc
      .record({
        transport: fc.constantFrom<PostbackCase['transport']>('get', 'get', 'form', 'form', 'json'),
        formType: fc.constantFrom(
          'application/x-www-form-urlencoded',
          'application/x-www-form-urlencoded; charset=utf-8',
          'text/plain',
          null,
        ),
        jsonType: fc.constantFrom('application/json', 'application/json; charset=utf-8', 'application/vnd.api+json'),
        network: slot(wrap(networkValues(networkKey)), false),
        token: slot(wrap(tokenValues(world, networkKey)), false),
        subid: slot(subidValues(world), false),
        txn_id: slot(wrap(txnValues), false),
        status: slot(wrap(statusValues(networkKey)), false),
        amount: slot(amountValues, true),
        currency: slot(wrap(currencyValues), true),
        inQuery: fc.array(fc.boolean(), { minLength: 14, maxLength: 14 }),
        encoding: fc.constantFrom<PostbackCase['encoding']>('pct', 'plus', 'raw', 'name-pct'),
        extras: fc.array(fc.tuple(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), anyText), { maxLength: 4 }),
        rawFragments: fc.array(fc.constantFrom('&', '&&', '=', '==', 'a', '%', '%zz', '%E0%A4%A', '=x', 'sub2=%FF%FE', 'x=1=2'), {
          maxLength: 3,
        }),
        shuffle: fc.integer({ min: 0, max: 2 ** 31 - 1 }),
      })
      .map((r): PostbackCase => {
        // JSON objects cannot repeat a key: a second occurrence goes to the query string.
        // Each occurrence goes to the query or the body; a JSON object cannot repeat a
        // key, so a second occurrence goes to the query string. Only a JSON body can
        // carry a lone surrogate as it is.
        let k = 0
        const sent = (v: Val, i: number): Val => {
          const inQuery = r.transport === 'get' || r.inQuery[k++ % r.inQuery.length]! || (r.transport === 'json' && i > 0)
          return { ...v, inQuery, text: inQuery || r.transport !== 'json' ? wellFormed(v.text) : v.text }
        }
        const slots = {
          network: r.network.map((x, i) => sent(x.val, i)),
          token: r.token.map((x, i) => sent(x.val, i)),
          subid: r.subid.map((x, i) => sent(x.val, i)),
          txn_id: r.txn_id.map((x, i) => sent(x.val, i)),
          status: r.status.map((x, i) => sent(x.val, i)),
          amount: r.amount.map((x, i) => sent(x.val, i)),
          currency: r.currency.map((x, i) => sent(x.val, i)),
        }
        // What the oracle needs when a value is valid: the exact amount and the sub-id's meaning.
        return {
          transport: r.transport,
          contentType: r.transport === 'json' ? r.jsonType : r.transport === 'form' ? r.formType : null,
          slots,
          encoding: r.encoding,
          extras: r.extras.filter(([name]) => !KNOWN.has(formDecode(name))).map(([n, v]) => [n, wellFormed(v)]),
          rawFragments: r.rawFragments,
          shuffle: r.shuffle,
          networkKey,
          amountCents: r.amount[0]?.exact ?? null,
          subidKind: r.subid[0]?.kind ?? null,
        }
      }),
  )
}

/** Lone surrogates are not text: a URL or form carries them as U+FFFD; only JSON can carry them as they are. */
const LONE_SURROGATE = /\p{Cs}/u
const wellFormed = (s: string) => s.replace(/\p{Cs}/gu, '\ufffd')

function formDecode(name: string): string {
  return [...new URLSearchParams(`${encodeURIComponent(name)}=`).keys()][0] ?? ''
}

// ---------------------------------------------------------------- building the HTTP request

function encodeName(name: string, how: PostbackCase['encoding']): string {
  if (how === 'name-pct') return [...Buffer.from(name)].map((b) => `%${b.toString(16).toUpperCase().padStart(2, '0')}`).join('')
  return encodeURIComponent(name)
}

function encodeValue(value: string, how: PostbackCase['encoding'], inBody: boolean): string {
  if (how === 'plus') return encodeURIComponent(value).replace(/%20/g, '+')
  // Raw: as a lax client sends a body — only what would change the parsing is escaped.
  if (how === 'raw' && inBody) return value.replace(/[%&+]/g, (c) => encodeURIComponent(c))
  return encodeURIComponent(value)
}

/** A JSON key, sometimes with every character escaped ("\u0074oken" is "token" too). */
function jsonKey(name: string, how: PostbackCase['encoding']): string {
  if (how !== 'name-pct') return JSON.stringify(name)
  return `"${[...name].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"`
}

function shuffled<T>(items: T[], seed: number): T[] {
  const out = [...items]
  let s = seed || 1
  for (let i = out.length - 1; i > 0; i--) {
    s = (s * 1103515245 + 12345) & 0x7fffffff
    const j = s % (i + 1)
    ;[out[i], out[j]] = [out[j]!, out[i]!]
  }
  return out
}

interface BuiltRequest {
  method: 'GET' | 'POST'
  url: string
  body: string | undefined
  headers: Record<string, string>
}

function buildPostback(c: PostbackCase): BuiltRequest {
  const query: string[] = []
  const body: string[] = []
  const json: string[] = []
  for (const name of PARAMS) {
    for (const v of c.slots[name]) {
      if (v.inQuery) query.push(`${encodeName(name, c.encoding)}=${encodeValue(v.text, c.encoding, false)}`)
      else if (c.transport === 'json') json.push(`${jsonKey(name, c.encoding)}:${JSON.stringify(v.text)}`)
      else body.push(`${encodeName(name, c.encoding)}=${encodeValue(v.text, c.encoding, true)}`)
    }
  }
  for (const [name, value] of c.extras)
    (c.transport === 'form' ? body : query).push(`${encodeURIComponent(name)}=${encodeURIComponent(value)}`)
  query.push(...c.rawFragments)
  const q = shuffled(query, c.shuffle).join('&')
  const url = `/aff/postback${q ? `?${q}` : ''}`
  const headers: Record<string, string> = {}
  if (c.contentType) headers['content-type'] = c.contentType
  if (c.transport === 'get') return { method: 'GET', url, body: undefined, headers }
  const text = c.transport === 'json' ? `{${shuffled(json, c.shuffle + 1).join(',')}}` : shuffled(body, c.shuffle + 1).join('&')
  return { method: 'POST', url, body: text, headers }
}

/** Occasionally a request that is nothing like a postback at all. */
const rawPostbacks: fc.Arbitrary<BuiltRequest> = fc
  .record({
    method: fc.constantFrom<'GET' | 'POST'>('GET', 'POST'),
    query: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 100 }).map((s) => encodeURIComponent(s)),
      huge,
    ),
    body: fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.constantFrom('{', '[]', '{"token":', 'null', '{"subid":{"a":1}}', '\u0000\u0001', '{"txn_id":"\\ud800"}'),
      huge,
    ),
    type: fc.constantFrom(
      'application/json',
      'application/x-www-form-urlencoded',
      'text/plain',
      'multipart/form-data; boundary=x',
      'application/xml',
    ),
  })
  .map((r): BuiltRequest => ({
    method: r.method,
    // Characters a URL cannot carry as they are get percent-encoded, as any client would.
    url: `/aff/postback?${wellFormed(r.query).replace(/[^\x21-\x7e]|#/gu, (ch) => encodeURIComponent(ch))}`,
    body: r.method === 'POST' ? r.body : undefined,
    headers: r.method === 'POST' ? { 'content-type': r.type } : {},
  }))

// ---------------------------------------------------------------- the oracle

function wellFormedThroughout(c: PostbackCase): boolean {
  return PARAMS.every((name) => {
    const occ = c.slots[name]
    return occ.every((v) => !v.bad) && (occ.length < 2 || occ[0]!.text === occ[1]!.text)
  })
}

type Expected =
  | { kind: 'too-large'; status: 413 | 414 }
  | { kind: 'refused'; status: 400 | 403 }
  | {
      kind: 'valid'
      networkId: number
      txnId: string
      status: Status
      word: string
      cents: number | null
      /** The amount as sent (exact) and its currency, when one was sent. */
      sent: { exact: { units: bigint; scale: number }; currency: string } | null
      subidKind: SubidKind
    }
  | { kind: 'unpredicted' }

function eurCents(amount: { units: bigint; scale: number }, currency: string): number {
  const [i, f = ''] = RATES[currency]!.split('.')
  const rateUnits = BigInt(`${i}${f}`)
  const num = amount.units * rateUnits * 100n
  const magnitude = num < 0n ? -num : num
  const den = 10n ** BigInt(amount.scale + f.length)
  // Half up on the magnitude: a return mirrors its sale.
  const cents = (magnitude * 2n + den) / (den * 2n)
  return Number(num < 0n ? -cents : cents)
}

/** "12.50" and {1250n, 2} are the same number. */
function sameDecimal(text: string | null, exact: { units: bigint; scale: number }): boolean {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text ?? '')
  if (!m) return false
  const f = m[3] ?? ''
  const units = BigInt(`${m[2]!}${f}`) * (m[1] === '-' ? -1n : 1n)
  const scale = Math.max(f.length, exact.scale)
  return units * 10n ** BigInt(scale - f.length) === exact.units * 10n ** BigInt(scale - exact.scale)
}

function oracle(world: World, c: PostbackCase, built: BuiltRequest): Expected {
  if (built.url.length > MAX_URL) return { kind: 'too-large', status: 414 }
  if (built.body !== undefined && Buffer.byteLength(built.body) > MAX_BODY) return { kind: 'too-large', status: 413 }
  const s = c.slots
  // A body sent as JSON that is not (or a form body sent with a JSON type) is unreadable.
  for (const name of PARAMS) {
    const occ = s[name]
    if (occ.length === 2 && occ[0]!.text !== occ[1]!.text) return { kind: 'refused', status: 400 }
    // Too long, text a database cannot hold (NUL) or that is not text (a lone surrogate): refused.
    if (occ.some((v) => v.text.length > MAX_LENGTH[name] || v.text.includes('\u0000') || LONE_SURROGATE.test(v.text)))
      return { kind: 'refused', status: 400 }
  }
  const one = (name: Param) => s[name][0]
  const network = one('network')
  if (!network || network.bad) return { kind: 'refused', status: 400 }
  const token = one('token')
  if (!token || token.bad) return { kind: 'refused', status: 403 }
  const target = c.networkKey === 'garb' ? world.garb : world.other
  const subid = one('subid')
  const txn = one('txn_id')
  const status = one('status')
  const amount = one('amount')
  const currency = one('currency')
  if (!subid || subid.bad || !txn || txn.bad || !status || status.bad || amount?.bad) return { kind: 'refused', status: 400 }
  let cents: number | null = null
  let sent: { exact: { units: bigint; scale: number }; currency: string } | null = null
  if (amount && amount.text.trim() !== '') {
    if (currency?.bad) return { kind: 'refused', status: 400 }
    const code = currency && currency.text.trim() !== '' ? currency.text.trim().toUpperCase() : 'EUR'
    cents = eurCents(c.amountCents!, code)
    // Past the largest conversion, either way (a return too): refused as absurd.
    if (Math.abs(cents) > MAX_CONVERSION_CENTS) return { kind: 'refused', status: 400 }
    sent = { exact: c.amountCents!, currency: code }
  }
  const words = c.networkKey === 'garb' ? DEFAULT_WORDS : { ...DEFAULT_WORDS, ...OTHER_WORDS }
  return {
    kind: 'valid',
    networkId: target.networkId,
    txnId: txn.text.trim(),
    status: words[status.text.trim().toLowerCase()]!,
    word: status.text.trim(),
    cents,
    sent,
    subidKind: c.subidKind!,
  }
}

// ---------------------------------------------------------------- the suite

export function garbageSuite(options: GarbageOptions) {
  describeEachDatabase('garbage at the public endpoints', (t, provider) => {
    let world: World
    let tried = 0
    let fives = 0
    /** How the answers spread (a property that only ever saw 400s would prove little). */
    const answers = new Map<string, number>()

    beforeAll(async () => {
      // Every request here is checked against its own log line: the log rate of requests that
      // fail authentication (a few per second per source) is raised out of the way; its bound
      // has a test of its own (tests/security/postback-log-bound.test.ts).
      const app = await buildTestApp(t(), { POSTBACK_UNAUTHENTICATED_LOG_RATE: '1000' })
      await app.listen({ port: 0, host: '127.0.0.1' })
      const address = app.server.address()
      const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`
      const garb = await onboardBenchLink(base, TEST_ADMIN_SECRET, 'benchnet-g')
      const other = await onboardBenchLink(base, TEST_ADMIN_SECRET, 'benchnet-o')
      const patched = await app.inject({
        method: 'PATCH',
        url: '/admin/api/networks/benchnet-o',
        headers: adminHeaders,
        payload: { postbackToken: OTHER_TOKEN, statusWords: OTHER_WORDS },
      })
      expect(patched.statusCode, patched.body).toBe(200)
      const ids = Object.fromEntries((await t().db.network.findMany()).map((n) => [n.slug, n.id]))
      world = {
        app,
        t: t(),
        garb: { ...garb, networkId: ids['benchnet-g']! },
        other: { ...other, token: OTHER_TOKEN, networkId: ids['benchnet-o']! },
      }
    })
    afterAll(async () => {
      await world?.app.close()
      const spread = [...answers]
        .sort((a, b) => b[1] - a[1])
        .map(([k, n]) => `${k} ×${n}`)
        .join(', ')
      console.log(`garbage inputs tried: ${tried}, 500s: ${fives} [${provider}] — answers: ${spread}`)
    })

    const fire = async (r: BuiltRequest) => {
      tried++
      const res = await world.app.inject({
        method: r.method,
        url: r.url,
        payload: r.body,
        headers: r.headers,
        remoteAddress: '203.0.113.9',
      })
      if (res.statusCode >= 500) fives++
      const label = `${res.statusCode}${res.statusCode === 200 ? ` ${res.body}` : ''}`
      answers.set(label, (answers.get(label) ?? 0) + 1)
      return res
    }

    const snapshot = async (networkId?: number, txnId?: string) => {
      const db = world.t.db
      const [entries, history, logs, entry] = await Promise.all([
        db.walletEntry.count(),
        db.walletEntryHistory.count(),
        db.postbackLog.count(),
        networkId !== undefined && txnId !== undefined
          ? db.walletEntry.findUnique({ where: { networkId_txnId: { networkId, txnId } } })
          : null,
      ])
      // The entry's last step: a return that repeats it is a retry, not a second return.
      const last = entry ? await db.walletEntryHistory.findFirst({ where: { entryId: entry.id }, orderBy: { id: 'desc' } }) : null
      return { entries, history, logs, entry, last }
    }

    /** The log line of the last request: there, with the answer's outcome, and no token in it. */
    async function checkLogLine(status: number, body: string) {
      const line = await world.t.db.postbackLog.findFirst({ orderBy: { id: 'desc' } })
      expect(line).not.toBeNull()
      const expectedOutcomes =
        status === 200 ? (body === 'DUPLICATE' ? ['duplicate'] : ['accepted', 'updated']) : status === 403 ? ['forbidden'] : ['rejected']
      expect(expectedOutcomes, `log outcome ${line!.outcome} for ${status} ${body}`).toContain(line!.outcome)
      for (const token of [world.garb.token, OTHER_TOKEN]) {
        expect(line!.rawQuery).not.toContain(token)
        expect(line!.rawBody ?? '').not.toContain(token)
        // Nor in a form a replay would decode.
        for (const kind of ['form', 'json'] as const)
          expect(readPostbackParams(line!.rawQuery, line!.rawBody, kind).params.token).not.toBe(token)
      }
    }

    async function checkPostback(built: BuiltRequest, expected: Expected) {
      const key = expected.kind === 'valid' ? expected : undefined
      const before = await snapshot(key?.networkId, key?.txnId)
      const res = await fire(built)
      const after = await snapshot(key?.networkId, key?.txnId)
      const what = `${built.method} ${built.url.slice(0, 300)} ${built.body?.slice(0, 300) ?? ''} → ${res.statusCode} ${res.body.slice(0, 200)}`
      expect(res.statusCode, what).toBeLessThan(500)
      if (expected.kind === 'too-large') {
        expect(res.statusCode, what).toBe(expected.status)
        expect(after.logs, what).toBe(before.logs)
      } else {
        // Every request that reached the endpoint is in the postback log.
        expect(after.logs - before.logs, what).toBe(1)
        await checkLogLine(res.statusCode, res.body)
      }
      if (expected.kind !== 'valid') {
        if (expected.kind === 'refused') expect(res.statusCode, what).toBe(expected.status)
        else if (expected.kind === 'unpredicted') expect(res.statusCode, what).not.toBe(200)
        expect(after.entries, what).toBe(before.entries)
        expect(after.history, what).toBe(before.history)
        return
      }
      const prior = before.entry
      if (!prior) {
        if (expected.sent === null || expected.sent.exact.units < 0n) {
          // A new conversion needs its amount; a return needs its sale.
          expect(res.statusCode, what).toBe(400)
          expect(after.entries, what).toBe(before.entries)
          expect(after.history, what).toBe(before.history)
          return
        }
        expect([res.statusCode, res.body], what).toEqual([200, 'OK'])
        expect(after.entries - before.entries, what).toBe(1)
        expect(after.history - before.history, what).toBe(1)
        const e = after.entry!
        expect({ status: e.status, amountCents: e.amountCents, type: e.type }, what).toEqual({
          status: expected.status,
          amountCents: expected.cents,
          type: 'conversion',
        })
        const [gp] = world.garb.subid.split(':').map(Number) as [number]
        const [op] = world.other.subid.split(':').map(Number) as [number]
        // A real click of the other network's offer is flagged (DESIGN: postback contract).
        const attribution: Record<SubidKind, { partnerId: number | null; flag: string | null }> = {
          real: { partnerId: gp, flag: expected.networkId === world.garb.networkId ? null : 'click_mismatch' },
          'real-other': { partnerId: op, flag: expected.networkId === world.other.networkId ? null : 'click_mismatch' },
          'unknown-click': { partnerId: gp, flag: 'unknown_click' },
          'unknown-partner': { partnerId: null, flag: 'unknown_partner' },
          mismatch: { partnerId: gp, flag: 'click_mismatch' },
        }
        expect({ partnerId: e.partnerId, flag: e.flag }, what).toEqual(attribution[expected.subidKind])
        return
      }
      // A known conversion (DESIGN.md "Postback contract"): every move applied; a late pending, or
      // the same status and amount, a DUPLICATE; a new amount a correction; a negative one a return
      // (never below 0; the same return again is the network's retry). Never a second entry, never
      // a refusal.
      expect(after.entries, what).toBe(before.entries)
      const from = prior.status as Status
      const sent = expected.sent
      let amountCents = prior.amountCents
      let amountChanged = false
      if (sent && expected.cents !== null) {
        if (sent.exact.units < 0n) {
          const last = before.last
          const retried = from === expected.status && last?.toStatus === expected.status && last.amountCents === expected.cents
          amountChanged = !retried
          if (!retried) amountCents = Math.max(0, prior.amountCents + expected.cents)
        } else {
          amountChanged =
            prior.originalCurrency === sent.currency ? !sameDecimal(prior.originalAmount, sent.exact) : prior.amountCents !== expected.cents
          if (amountChanged) amountCents = expected.cents
        }
      }
      const latePending = expected.status === 'pending' && from !== 'pending'
      if (latePending || (from === expected.status && !amountChanged)) {
        expect([res.statusCode, res.body], what).toEqual([200, 'DUPLICATE'])
        expect(after.entry, what).toEqual(prior)
        expect(after.history, what).toBe(before.history)
      } else {
        expect([res.statusCode, res.body], what).toEqual([200, 'OK'])
        expect(after.history - before.history, what).toBe(1)
        expect({ status: after.entry!.status, amountCents: after.entry!.amountCents }, what).toEqual({
          status: expected.status,
          amountCents,
        })
      }
    }

    it('postbacks: arbitrary, repeated, missing and oversized parameters never give a 5xx or a wrong write', async () => {
      await fc.assert(
        // A third of the cases well-formed through and through, so that conversions
        // come back (duplicates, status changes, corrections, returns) often.
        fc.asyncProperty(
          fc.oneof(
            { weight: 2, arbitrary: postbackCases(world) },
            { weight: 1, arbitrary: postbackCases(world).filter(wellFormedThroughout) },
          ),
          async (c) => {
            const built = buildPostback(c)
            // A JSON-typed request whose body is empty still reads the query alone; a form
            // body sent with a JSON type is unreadable.
            await checkPostback(built, oracle(world, c, built))
          },
        ),
        { numRuns: options.postbackRuns },
      )
    })

    it('postbacks: requests that are nothing like a postback are refused and logged, never written', async () => {
      await fc.assert(
        fc.asyncProperty(rawPostbacks, async (r) => {
          const tooLarge = r.url.length > MAX_URL ? 414 : r.body !== undefined && Buffer.byteLength(r.body) > MAX_BODY ? 413 : null
          await checkPostback(r, tooLarge ? { kind: 'too-large', status: tooLarge } : { kind: 'unpredicted' })
        }),
        { numRuns: Math.ceil(options.postbackRuns / 4) },
      )
    })

    it('redirects: any code, any header, never a 5xx, a click only for a live link, only to the offer', async () => {
      const codes = [world.garb.code, world.other.code]
      const code = fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...codes).map((c) => ({ path: c, code: c })) },
        // The same code, percent-encoded: the router decodes it.
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(...codes)
            .map((c) => ({ path: [...c].map((ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`).join(''), code: c })),
        },
        {
          weight: 2,
          arbitrary: fc.constantFrom(...codes).chain((c) =>
            // A code with no letters of one case is its own upper- or lower-case form.
            fc
              .constantFrom(c.toUpperCase(), c.toLowerCase(), `${c}x`, c.slice(1), `${c}/`, `${c}%00`, `${c}%2F..`, `${c}.`, `${c}%20`)
              .map((p) => ({ path: p, code: p === c ? c : (null as string | null) })),
          ),
        },
        {
          weight: 6,
          arbitrary: fc
            .oneof(
              fc.string({ maxLength: 80 }),
              fc.string({ unit: 'binary', maxLength: 80 }),
              fc.string({ unit: 'grapheme', maxLength: 20 }),
              huge.map((s) => s.slice(0, 400)),
            )
            .filter((s) => !codes.includes(s))
            .map((s) => ({ path: encodeURIComponent(s), code: null as string | null })),
        },
        // Sent as they are: traversal, broken escapes, URLs.
        {
          weight: 1,
          arbitrary: fc
            .constantFrom(
              '..',
              '../admin/monitoring',
              '%2e%2e',
              '%',
              '%zz',
              '%E0%A4%A',
              '//evil.example',
              'https:%2F%2Fevil.example/',
              'constructor',
              '__proto__',
              '%00',
              '',
            )
            .map((path) => ({ path, code: null as string | null })),
        },
      )
      const ua = fc.oneof(
        fc.constantFrom('Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0', 'Slackbot-LinkExpanding 1.0', 'facebookexternalhit/1.1', ''),
        fc.string({ maxLength: 600 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
      )
      const extra = fc.oneof(
        fc.constant(''),
        fc.constantFrom('?url=https://evil.example/', '?next=//evil.example&subid=1:2:x', '?%zz', '?a=b&a=c'),
        fc.string({ maxLength: 60 }).map((s) => `?${encodeURIComponent(s)}`),
      )
      await fc.assert(
        fc.asyncProperty(
          code,
          ua,
          extra,
          fc.constantFrom<'GET' | 'HEAD'>('GET', 'GET', 'HEAD'),
          fc.string({ maxLength: 40 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
          async (c, userAgent, query, method, junk) => {
            const before = await world.t.db.metricEvent.count()
            tried++
            const res = await world.app.inject({
              method,
              url: `/r/${c.path}${query}`,
              headers: { ...(userAgent ? { 'user-agent': userAgent } : {}), referer: junk, 'x-forwarded-for': junk || '1.2.3.4' },
              remoteAddress: '198.51.100.20',
            })
            if (res.statusCode >= 500) fives++
            const label = `redirect ${res.statusCode}`
            answers.set(label, (answers.get(label) ?? 0) + 1)
            const after = await world.t.db.metricEvent.count()
            const what = `${method} /r/${c.path.slice(0, 200)}${query} → ${res.statusCode}`
            expect(res.statusCode, what).toBeLessThan(500)
            const live = c.code !== null && codes.includes(c.code)
            if (live) {
              expect(res.statusCode, what).toBe(302)
              const link = c.code === world.garb.code ? world.garb : world.other
              const [p, a] = link.subid.split(':')
              const location = String(res.headers.location)
              expect(location.startsWith('https://advertiser.example/landing?affid=CF01&subid='), location).toBe(true)
              expect(new URL(location).searchParams.get('subid'), location).toMatch(new RegExp(`^${p}:${a}:[A-Za-z0-9]{22}$`))
              expect(after - before, what).toBe(1)
            } else {
              expect(res.statusCode, what).not.toBe(302)
              // `/r/..` (or `%2e%2e`) is `/` once its dot segments are resolved: the root leads to the
              // console. Nothing else is sent anywhere, and never off this server.
              if (new URL(`/r/${c.path}`, 'http://h').pathname === '/')
                expect([res.statusCode, res.headers.location], what).toEqual([303, '/admin/monitoring'])
              else expect(res.headers.location, what).toBeUndefined()
              expect(after, what).toBe(before)
            }
          },
        ),
        { numRuns: options.redirectRuns },
      )
    })
  })
}
