import { describe, expect, it } from 'vitest'
import {
  applyStatusWordChanges,
  effectiveStatusWords,
  mergeStatusWords,
  parseStoredStatusWords,
  statusFromWord,
} from '../../src/postbacks/status-words.ts'
import { decideTransition } from '../../src/ledger/transitions.ts'

describe('status words', () => {
  it("maps DESIGN.md's default words, in any case", () => {
    const cases: [string, string][] = [
      ['approved', 'confirmed'],
      ['approve', 'confirmed'],
      ['accepted', 'confirmed'],
      ['confirmed', 'confirmed'],
      ['paid', 'confirmed'],
      ['1', 'confirmed'],
      ['pending', 'pending'],
      ['hold', 'pending'],
      ['0', 'pending'],
      ['declined', 'rejected'],
      ['rejected', 'rejected'],
      ['denied', 'rejected'],
      ['invalid', 'rejected'],
      ['-1', 'rejected'],
      ['reversed', 'reversed'],
      ['chargeback', 'reversed'],
      ['refund', 'reversed'],
      ['refunded', 'reversed'],
      ['cancelled', 'reversed'],
      ['sale', 'confirmed'],
      ['lead', 'pending'],
      ['trash', 'rejected'],
      ['deleted', 'reversed'],
      ['APPROVED', 'confirmed'],
      [' Pending ', 'pending'],
      ['REVERSED', 'reversed'],
    ]
    for (const [word, status] of cases) expect(statusFromWord(word), word).toBe(status)
    expect(statusFromWord('rebill')).toBeNull()
    expect(statusFromWord('')).toBeNull()
  })

  it('knows no word an object inherits ("constructor" once booked a status "{}")', () => {
    const words = parseStoredStatusWords(JSON.stringify({ rebill: 'confirmed' }))
    for (const word of ['constructor', '__proto__', 'CONSTRUCTOR', ' __proto__ ', 'hasOwnProperty', 'valueof']) {
      expect(statusFromWord(word), word).toBeNull()
      expect(statusFromWord(word, words), word).toBeNull()
    }
  })

  it("a network's words add to and override the defaults", () => {
    const words = parseStoredStatusWords(JSON.stringify({ Rebill: 'confirmed', lead: 'pending', '1': 'pending', trash: 'rejected' }))
    expect(statusFromWord('rebill', words)).toBe('confirmed')
    expect(statusFromWord('LEAD', words)).toBe('pending')
    expect(statusFromWord('1', words)).toBe('pending')
    expect(statusFromWord('approved', words)).toBe('confirmed')
  })

  it('a corrupt stored value counts as no override', () => {
    expect(parseStoredStatusWords('not json')).toEqual({})
    expect(parseStoredStatusWords('{"sale":"won"}')).toEqual({})
    expect(parseStoredStatusWords('[]')).toEqual({})
  })
})

describe('status transitions', () => {
  it('allows pending → confirmed | rejected and confirmed → reversed', () => {
    expect(decideTransition('pending', 'confirmed').kind).toBe('change')
    expect(decideTransition('pending', 'rejected').kind).toBe('change')
    expect(decideTransition('confirmed', 'reversed').kind).toBe('change')
  })

  it('the same status again is a duplicate', () => {
    for (const s of ['pending', 'confirmed', 'rejected', 'reversed'] as const) expect(decideTransition(s, s).kind).toBe('duplicate')
  })

  it('a late pending never downgrades a decided entry', () => {
    for (const s of ['confirmed', 'rejected', 'reversed'] as const)
      expect(decideTransition(s, 'pending')).toMatchObject({ kind: 'stale', reason: expect.stringContaining(s) as unknown })
  })

  it('applies every other move: the network is the source of truth for its conversions', () => {
    const moves = [
      ['pending', 'reversed'],
      ['confirmed', 'rejected'],
      ['rejected', 'confirmed'],
      ['rejected', 'reversed'],
      ['reversed', 'confirmed'],
      ['reversed', 'rejected'],
    ] as const
    for (const [from, to] of moves) expect(decideTransition(from, to).kind, `${from}→${to}`).toBe('change')
  })
})

describe("a network's words, merged over its preset's over the defaults", () => {
  const keitaro = { lead: 'pending', sale: 'confirmed', rebill: 'confirmed' } as const

  it('adds a word without losing the preset\'s (PATCH {"rebill": "confirmed"} once lost Keitaro\'s lead)', () => {
    const own = applyStatusWordChanges({}, { Hold2: 'pending' }, keitaro)
    const merged = mergeStatusWords(keitaro, own)
    expect(statusFromWord('hold2', merged)).toBe('pending')
    expect(statusFromWord('lead', merged)).toBe('pending')
    expect(statusFromWord('rebill', merged)).toBe('confirmed')
    expect(statusFromWord('approved', merged)).toBe('confirmed')
  })

  it("null removes a word: the network's own, or an inherited one (then unknown for this network)", () => {
    let own = applyStatusWordChanges({}, { custom: 'rejected' }, keitaro)
    own = applyStatusWordChanges(own, { custom: null, lead: null, approved: null }, keitaro)
    expect(own).toEqual({ lead: null, approved: null })
    const merged = mergeStatusWords(keitaro, own)
    for (const w of ['custom', 'lead', 'LEAD', 'approved']) expect(statusFromWord(w, merged), w).toBeNull()
    expect(statusFromWord('sale', merged)).toBe('confirmed')
    // Set again, the word is back.
    expect(statusFromWord('lead', mergeStatusWords(keitaro, applyStatusWordChanges(own, { lead: 'pending' }, keitaro)))).toBe('pending')
  })

  it("the network's own word overrides its preset's and the default", () => {
    const merged = mergeStatusWords(keitaro, { sale: 'pending', '1': 'pending' })
    expect(statusFromWord('sale', merged)).toBe('pending')
    expect(statusFromWord('1', merged)).toBe('pending')
    expect(effectiveStatusWords(merged)).toMatchObject({ sale: 'pending', lead: 'pending', rebill: 'confirmed', approved: 'confirmed' })
  })
})
