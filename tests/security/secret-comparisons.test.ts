// Secrets are compared in constant time: the admin secret (header) and the
// networks' postback tokens go through secretsEqual (hashes, then
// timingSafeEqual), passwords and sessions' CSRF tokens through timingSafeEqual,
// and no line of src compares a secret or a token with ===. (The login form's
// CSRF token is checked by @fastify/csrf, which uses timingSafeEqual itself.)
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretsEqual } from '../../src/security/secrets.ts'
import { tokenMatches } from '../../src/postbacks/network-auth.ts'

const SRC = path.resolve(import.meta.dirname, '../../src')
const OPERAND = String.raw`[\w.?\]\[)('"\x60]+`
const COMPARISON = new RegExp(`(${OPERAND})\\s*(?:===|!==|==|!=)\\s*(${OPERAND})`, 'g')
const LITERAL = /^(\(?)(undefined|null|true|false|-?\d+|'[^']*'|"[^"]*"|`[^`]*`)\)?$/
const SECRETISH = /secret|token|password/i
/** Comparisons that look like it and are not, each for a reason. */
const ALLOWED = [
  // the mask written in place of a token in the log is public
  { file: 'postbacks/params.ts', text: '.token !== replacement' },
]

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name)
    if (e.isDirectory()) return e.name === 'generated' ? [] : sourceFiles(full)
    return e.name.endsWith('.ts') ? [full] : []
  })
}

describe('secret comparisons', () => {
  it('secretsEqual: equal or not, whatever the lengths, without throwing', () => {
    expect(secretsEqual('s3cr3t-value', 's3cr3t-value')).toBe(true)
    for (const other of ['', 's', 's3cr3t-valuE', 's3cr3t-value ', 's3cr3t-value'.repeat(100), 'é'.repeat(12)])
      expect(secretsEqual(other, 's3cr3t-value'), other).toBe(false)
    expect(tokenMatches(undefined, 'tok')).toBe(false)
    expect(tokenMatches('tok', 'tok')).toBe(true)
  })

  it('the admin secret, the postback tokens, passwords and CSRF tokens are compared in constant time', () => {
    const read = (f: string) => readFileSync(path.join(SRC, f), 'utf8')
    expect(read('plugins/admin-auth.ts')).toMatch(/secretsEqual\(header, app\.config\.adminSecret\)/)
    expect(read('security/secrets.ts')).toMatch(
      /timingSafeEqual\(hash\('sha256', given, 'buffer'\), hash\('sha256', expected, 'buffer'\)\)/,
    )
    expect(read('accounts/passwords.ts')).toMatch(/timingSafeEqual\(key, expected\)/)
    expect(read('accounts/sessions.ts')).toMatch(/timingSafeEqual\(digest\(given\), digest\(csrfTokenOf\(session\)\)\)/)
    expect(read('postbacks/network-auth.ts')).toMatch(/secretsEqual\(given, expected\)/)
    expect(read('postbacks/receive-postback.ts')).toMatch(/tokenMatches\(given, network\.token\)/)
  })

  it('no line of src compares a secret or a token with == or ===', () => {
    const found: string[] = []
    for (const file of sourceFiles(SRC)) {
      const rel = path.relative(SRC, file)
      readFileSync(file, 'utf8')
        .split('\n')
        .forEach((line, i) => {
          if (/^\s*(\/\/|\*)/.test(line)) return
          for (const m of line.matchAll(COMPARISON)) {
            const [whole, left, right] = m as unknown as [string, string, string]
            if (!SECRETISH.test(left) && !SECRETISH.test(right)) continue
            if (LITERAL.test(left) || LITERAL.test(right)) continue
            if (ALLOWED.some((a) => a.file === rel && whole.includes(a.text))) continue
            found.push(`${rel}:${i + 1}: ${whole}`)
          }
        })
    }
    expect(found).toEqual([])
  })
})
