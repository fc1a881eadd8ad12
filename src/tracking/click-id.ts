// Click ids: 22 characters of [A-Za-z0-9] drawn uniformly from the CSPRNG
// (~131 bits): unguessable, URL-safe with no encoding, and free of the
// sub-id separators ":" "_" "-".
import { randomFillSync } from 'node:crypto'

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789'
export const CLICK_ID_LENGTH = 22
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
    if (b < LIMIT) out += ALPHABET[b % 62]
  }
  return out
}

export function newClickId(): string {
  return randomToken(CLICK_ID_LENGTH)
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
