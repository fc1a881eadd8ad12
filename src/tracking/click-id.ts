// Click ids: 22 characters of [A-Za-z0-9], URL-safe with no encoding and free of
// the sub-id separators ":" "_" "-". The first 7 encode the millisecond of the
// click, the other 15 come uniformly from the CSPRNG (~89 bits: unguessable).
// The time prefix makes ids arrive in index order: each batch of clicks appends to
// the end of the click-id index instead of touching a random page per click, so
// the insert cost stays flat as the table grows.
import { randomFillSync } from 'node:crypto'

// In ASCII order, so that comparing ids as strings compares their times.
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz'
export const CLICK_ID_LENGTH = 22
/** 62^7 ms ≈ 111 years from 1970: fixed width until 2081. */
const TIME_CHARS = 7
// Bytes ≥ 248 are dropped so that `byte % 62` is uniform (248 = 4 × 62).
const LIMIT = 248

const pool = Buffer.alloc(4096)
let offset = pool.length

function nextByte(): number {
  if (offset >= pool.length) {
    randomFillSync(pool)
    offset = 0
  }
  return pool[offset++]!
}

export function randomToken(length: number): string {
  let out = ''
  while (out.length < length) {
    const b = nextByte()
    if (b < LIMIT) out += ALPHABET.charAt(b % 62)
  }
  return out
}

/** `ms` in base 62, zero-padded to a fixed width (so string order is time order). */
export function timePrefix(ms: number): string {
  let out = ''
  for (let i = 0; i < TIME_CHARS; i++) {
    out = ALPHABET[ms % 62]! + out
    ms = Math.floor(ms / 62)
  }
  return out
}

export function newClickId(now = Date.now()): string {
  return timePrefix(now) + randomToken(CLICK_ID_LENGTH - TIME_CHARS)
}

/** Tracked-link codes: 8 characters (~47 bits), unique by a database constraint. */
export function newLinkCode(): string {
  return randomToken(8)
}

const LINK_CODE = /^[A-Za-z0-9_-]{4,64}$/
/** Codes are checked before any lookup: anything else is a 404 at once. */
export function isLinkCode(code: string): boolean {
  return LINK_CODE.test(code)
}
