// Password hashing without HTTP: scrypt with its parameters in the stored
// string, a salt per password, and verification that fails closed.
import { describe, expect, it } from 'vitest'
import { generatePassword, hashPassword, verifyNobody, verifyPassword } from '../../src/accounts/passwords.ts'
import { refusalFor } from '../../src/accounts/roles.ts'

describe('passwords', () => {
  it('stores scrypt with its cost and a salt of its own; verifies the password and nothing else', async () => {
    const a = await hashPassword('correct horse battery staple')
    const b = await hashPassword('correct horse battery staple')
    expect(a).toMatch(/^scrypt\$15\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/)
    expect(a).not.toBe(b)
    expect(await verifyPassword('correct horse battery staple', a)).toBe(true)
    expect(await verifyPassword('correct horse battery staple', b)).toBe(true)
    for (const wrong of ['', 'correct horse battery stapl', 'Correct horse battery staple', 'correct horse battery staple ']) {
      expect(await verifyPassword(wrong, a), wrong).toBe(false)
    }
  })

  it('the same text however it was composed (NFC)', async () => {
    const stored = await hashPassword('mot de passe café')
    expect(await verifyPassword('mot de passe cafe\u0301', stored)).toBe(true)
  })

  it('a hash it did not write, or one asking for absurd costs, verifies nothing and does not throw', async () => {
    const good = await hashPassword('some long password')
    const parts = good.split('$')
    const damaged = [
      '',
      'plain-text-password',
      'bcrypt$2b$10$abc',
      ['scrypt', 30, 8, 1, parts[4], parts[5]].join('$'),
      ['scrypt', 15, 8, 1, parts[4], parts[5]!.slice(0, 10)].join('$'),
      ['scrypt', 'x', 8, 1, parts[4], parts[5]].join('$'),
    ]
    for (const stored of damaged) expect(await verifyPassword('some long password', stored), stored).toBe(false)
    expect(await verifyNobody('anything')).toBe(false)
  })

  it('generates 24-character passwords, each different', () => {
    const seen = new Set(Array.from({ length: 50 }, generatePassword))
    expect(seen.size).toBe(50)
    for (const p of seen) expect(p).toMatch(/^[A-Za-z0-9_-]{24}$/)
  })
})

describe('roles', () => {
  it('viewer reads only, ops all but owner-only routes, owner everything', () => {
    const can = (role: 'owner' | 'ops' | 'viewer', method: string, ownerOnly = false) => refusalFor(role, { method, ownerOnly }) === null
    expect(['GET', 'HEAD'].every((m) => can('viewer', m))).toBe(true)
    expect(['POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'].some((m) => can('viewer', m))).toBe(false)
    expect(can('ops', 'POST')).toBe(true)
    expect(can('ops', 'GET', true)).toBe(false)
    expect(can('viewer', 'GET', true)).toBe(false)
    expect(can('owner', 'DELETE', true)).toBe(true)
  })
})
