// Passwords: scrypt (memory-hard, in node itself), a random salt per password,
// the cost parameters stored with the hash so they can be raised later without
// breaking existing accounts, and a constant-time comparison.
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { z } from 'zod'

/** log2 of scrypt's N, r, p: 32 MiB and a few tens of ms per hash. */
const COST = { log2N: 15, r: 8, p: 1 }
const KEY_BYTES = 32
const SALT_BYTES = 16
const PREFIX = 'scrypt'

export const passwordSchema = z
  .string({ error: 'mot de passe attendu' })
  .min(12, 'mot de passe : au moins 12 caractères')
  // scrypt does not care, but a megabyte of "password" is not one.
  .max(200, 'mot de passe : 200 caractères au plus')

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  const N = 2 ** log2N
  const options: ScryptOptions = { N, r, p, maxmem: 128 * N * r * p + 16 * 1024 * 1024 }
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFC'), salt, KEY_BYTES, options, (err, key) => {
      if (err) reject(err)
      else resolve(key)
    })
  })
}

/** scrypt$<log2 N>$<r>$<p>$<salt>$<key>, base64url. */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES)
  const key = await derive(password, salt, COST.log2N, COST.r, COST.p)
  return [PREFIX, COST.log2N, COST.r, COST.p, salt.toString('base64url'), key.toString('base64url')].join('$')
}

/** True when the password is the one hashed; false for any other, or for a hash this code did not write. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$')
  if (parts.length !== 6 || parts[0] !== PREFIX) return false
  const [log2N, r, p] = parts.slice(1, 4).map(Number) as [number, number, number]
  // Bounds: a damaged row must not ask for gigabytes.
  if (![log2N, r, p].every(Number.isInteger) || log2N < 10 || log2N > 20 || r < 1 || r > 32 || p < 1 || p > 4) return false
  const salt = Buffer.from(parts[4]!, 'base64url')
  const expected = Buffer.from(parts[5]!, 'base64url')
  if (expected.length !== KEY_BYTES || salt.length < 8) return false
  const key = await derive(password, salt, log2N, r, p)
  return timingSafeEqual(key, expected)
}

let dummy: Promise<string> | undefined
/**
 * Verifies against a hash of no one, so that an unknown email costs the same
 * time as a known one (no account enumeration by timing).
 */
export async function verifyNobody(password: string): Promise<false> {
  dummy ??= hashPassword(randomBytes(18).toString('base64url'))
  await verifyPassword(password, await dummy)
  return false
}

/** A password for an account made without one typed (CLI off a terminal): 24 characters, 144 random bits. */
export function generatePassword(): string {
  return randomBytes(18).toString('base64url')
}
