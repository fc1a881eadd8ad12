// Comparing secrets (the admin header secret, networks' postback tokens) without
// the comparison's time telling anything about them.
import { hash, timingSafeEqual } from 'node:crypto'

/** Constant-time equality of two secrets of any length. */
export function secretsEqual(given: string, expected: string): boolean {
  // Hashing first gives equal lengths, so the comparison time says nothing about the secret.
  // One-shot hash(): every postback passes here, and createHash().update().digest() costs more.
  return timingSafeEqual(hash('sha256', given, 'buffer'), hash('sha256', expected, 'buffer'))
}
