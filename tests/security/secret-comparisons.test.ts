// Secrets are compared in constant time: the admin secret (header and login
// form) and the networks' postback tokens go through secretsEqual (hashes, then
// timingSafeEqual), and no line of src compares a secret or a token with ===.
// (The session cookie's signature and the CSRF token are checked by
// @fastify/cookie and @fastify/csrf, which use timingSafeEqual themselves.)
import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { secretsEqual } from '../../src/plugins/admin-auth.ts'
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
    for (const other of ['', 's', 's3cr3t-valuE', 's3cr3t-value ', 's3cr3t-value'.repeat(100), 'é'.repeat(12)]) expect(secretsEqual(other, 's3cr3t-value'), other).toBe(false)
    expect(tokenMatches(undefined, 'tok')).toBe(false)
    expect(tokenMatches('tok', 'tok')).toBe(true)
  })

  it('the admin secret and the postback tokens are checked with secretsEqual', () => {
    const read = (f: string) => readFileSync(path.join(SRC, f), 'utf8')
    expect(read('plugins/admin-auth.ts')).toMatch(/secretsEqual\(header, app\.config\.adminSecret\)/)
    expect(read('plugins/admin-auth.ts')).toMatch(/timingSafeEqual\(hash\('sha256', given, 'buffer'\), hash\('sha256', expected, 'buffer'\)\)/)
    expect(read('routes/public/login.ts')).toMatch(/secretsEqual\(secret, app\.config\.adminSecret\)/)
    expect(read('postbacks/network-auth.ts')).toMatch(/secretsEqual\(given, expected\)/)
    expect(read('postbacks/receive-postback.ts')).toMatch(/tokenMatches\(given, network\.token\)/)
  })

  it('no line of src compares a secret or a token with == or ===', () => {
    const found: string[] = []
    for (const file of sourceFiles(SRC)) {
      const rel = path.relative(SRC, file)
      readFileSync(file, 'utf8').split('\n').forEach((line, i) => {
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
