import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import {
  compileFieldMap,
  maskFormToken,
  maskJsonToken,
  maskTokenAnywhere,
  readPostbackParams,
  secretPattern,
} from '../../src/postbacks/params.ts'

describe('postback parameters', () => {
  it('reads the query, a form body or a JSON body alike', () => {
    const expected = { network: 'n', subid: '1:2:c', amount: '12,50', status: 'approved', txn_id: 'T1', token: 'tok' }
    expect(readPostbackParams('network=n&subid=1%3A2%3Ac&amount=12%2C50&status=approved&txn_id=T1&token=tok', null, null)).toEqual({
      ok: true,
      params: expected,
    })
    expect(readPostbackParams('network=n', 'subid=1%3A2%3Ac&amount=12%2C50&status=approved&txn_id=T1&token=tok', 'form')).toEqual({
      ok: true,
      params: expected,
    })
    expect(readPostbackParams('', JSON.stringify({ ...expected, extra: { nested: true } }), 'json')).toEqual({ ok: true, params: expected })
    expect(readPostbackParams('', '{"amount": 12.5, "txn_id": 42}', 'json')).toEqual({ ok: true, params: { amount: '12.5', txn_id: '42' } })
  })

  it('ignores parameters it does not know', () => {
    expect(readPostbackParams('network=n&offer_id=9&sub2=x', null, null)).toEqual({ ok: true, params: { network: 'n' } })
  })

  it('refuses a parameter given twice with different values; the same value twice is fine', () => {
    expect(readPostbackParams('txn_id=a&txn_id=b', null, null)).toMatchObject({
      ok: false,
      reason: 'parameter txn_id given twice with different values',
    })
    expect(readPostbackParams('txn_id=a', 'txn_id=b', 'form')).toMatchObject({ ok: false })
    expect(readPostbackParams('txn_id=a&txn_id=a', null, null)).toEqual({ ok: true, params: { txn_id: 'a' } })
  })

  it('refuses unreadable bodies and oversized values', () => {
    expect(readPostbackParams('', '{not json', 'json')).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/unreadable body/) as unknown,
    })
    expect(readPostbackParams('', '[1,2]', 'json')).toMatchObject({ ok: false })
    expect(readPostbackParams('', '{"txn_id":{"a":1}}', 'json')).toMatchObject({ ok: false })
    expect(readPostbackParams(`txn_id=${'x'.repeat(129)}`, null, null)).toMatchObject({
      ok: false,
      reason: 'parameter txn_id too long (max 128)',
    })
  })

  it('refuses a value that is not text: NUL (PostgreSQL cannot store it) or a lone surrogate (JSON can carry one)', () => {
    expect(readPostbackParams('txn_id=a%00b', null, null)).toMatchObject({
      ok: false,
      reason: 'parameter txn_id is not text (NUL or a lone surrogate)',
    })
    expect(readPostbackParams('', 'network=n\u0000', 'form')).toMatchObject({ ok: false, params: {} })
    expect(readPostbackParams('', '{"txn_id":"a\\ud800"}', 'json')).toMatchObject({ ok: false })
    expect(readPostbackParams('', '{"txn_id":"a\\ud83d\\ude00"}', 'json')).toEqual({ ok: true, params: { txn_id: 'a😀' } })
  })

  it('masks the token, and only the token, in a query, a form body and a JSON body', () => {
    expect(maskFormToken('network=n&token=s3cr3t&txn_id=1', '***ab')).toBe('network=n&token=***ab&txn_id=1')
    expect(maskFormToken('token=s3cr3t', '***')).toBe('token=***')
    expect(maskFormToken('tok%65n=s3cr3t&mytoken=keep', '***')).toBe('tok%65n=***&mytoken=keep')
    expect(maskJsonToken('{"network":"n","token":"s3\\"cr3t","amount":1}', '***ab')).toBe('{"network":"n","token":"***ab","amount":1}')
    expect(maskJsonToken('{"token": 12345}', '***')).toBe('{"token": "***"}')
    // An escaped key is the same key to JSON.parse (and to a replay): masked too.
    expect(maskJsonToken('{"tok\\u0065n":"s3cr3t","a":1}', '***')).toBe('{"tok\\u0065n":"***","a":1}')
    // Whatever the trick, what a reader finds is the mask.
    for (const body of [
      '{"token":"s3cr3t","tok\\u0065n":"s3cr3t"}',
      '{"\\u0074oken" : "s3cr3t"}',
      '{"x":"\\"token\\":1","token":"s3cr3t"}',
    ]) {
      const masked = maskJsonToken(body, '***')
      expect(masked, body).not.toContain('s3cr3t')
      expect(readPostbackParams('', masked, 'json').params.token, body).toBe('***')
    }
  })

  it('takes a JSON txn_id number only as a safe integer, and still reads the rest (to authenticate the request)', () => {
    expect(readPostbackParams('', '{"txn_id": 9007199254740991}', 'json')).toEqual({ ok: true, params: { txn_id: '9007199254740991' } })
    for (const n of ['9007199254740993', '-9007199254740993', '1.5', '1e21']) {
      const r = readPostbackParams('network=n', `{"txn_id": ${n}, "token": "tok"}`, 'json')
      expect(r, n).toEqual({
        ok: false,
        reason: expect.stringMatching(/^parameter txn_id is a JSON number that is not an exact integer/) as unknown,
        params: { network: 'n', token: 'tok' },
      })
    }
    expect(readPostbackParams('', '{"txn_id": "9007199254740993"}', 'json')).toEqual({ ok: true, params: { txn_id: '9007199254740993' } })
  })

  it('masks the token whatever the body really is', () => {
    expect(maskTokenAnywhere('token=s3cr3t&a=1', '***')).toBe('token=***&a=1')
    expect(maskTokenAnywhere('{"token":"s3cr3t","a":1}', '***')).toBe('{"token":"***","a":1}')
    expect(maskTokenAnywhere('{"token":"s3cr3t", broken', '***')).toBe('{"token":"***", broken')
    expect(maskTokenAnywhere('junk token=s3cr3t&x', '***')).toBe('junk token=***&x')
    expect(maskTokenAnywhere('a=1&mytoken=keep&token=s3cr3t', '***')).toBe('a=1&mytoken=keep&token=***')
    // A valid JSON body is left as JSON: a "token=" inside a string value is not a form.
    expect(maskTokenAnywhere('{"a":"x&b=c","token":"s3cr3t"}', '***')).toBe('{"a":"x&b=c","token":"***"}')
  })

  it('finds a secret in any spelling a request can carry', () => {
    const secret = 'Ab~9. z"/'
    const spellings = [
      secret,
      encodeURIComponent(secret),
      new URLSearchParams({ a: secret }).toString().slice(2),
      JSON.stringify(secret).slice(1, -1),
      encodeURIComponent(secret).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
      [...secret].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
    ]
    for (const s of spellings) expect(`x${s}y`.replace(secretPattern(secret), '#'), s).toBe('x#y')
    expect('ab~9'.replace(secretPattern('Ab~9'), '#')).toBe('ab~9')
  })

  it('never throws, whatever arrives (property)', () => {
    fc.assert(
      fc.property(fc.string(), fc.option(fc.string()), fc.constantFrom('form', 'json', null), (q, body, kind) => {
        const r = readPostbackParams(q, body, kind)
        expect(typeof r.ok).toBe('boolean')
        expect(maskFormToken(q, '***')).not.toMatch(/(^|&)token=(?!\*\*\*)/)
      }),
    )
  })
})

describe('field maps', () => {
  const read = (query: string, body: string | null, kind: 'form' | 'json' | null, map: unknown) =>
    readPostbackParams(query, body, kind, compileFieldMap(map))

  it("reads each mapped field from the network's own parameter name, in the query or the body", () => {
    const map = { subid: 'clickid', txn_id: 'conversion_id', amount: 'payout', status: 'state' }
    expect(read('network=n&clickid=1%3A2%3Ac&payout=3.20&state=approved&conversion_id=C9', null, null, map)).toEqual({
      ok: true,
      params: { network: 'n', subid: '1:2:c', amount: '3.20', status: 'approved', txn_id: 'C9' },
    })
    expect(read('network=n', JSON.stringify({ clickid: '1:2:c', conversion_id: 77 }), 'json', map).params).toMatchObject({ txn_id: '77' })
  })

  it('reads a JSON pointer into a nested body, arrays and ~0 / ~1 escapes included (RFC 6901)', () => {
    const body = JSON.stringify({
      event: 'reward.created',
      data: { key: 'rwrd_1', 'a/b': { 'c~d': 'X' }, customer: { sub_ids: ['1:2:c'] } },
    })
    const map = { subid: '/data/customer/sub_ids/0', txn_id: '/data/key', status: '/data/a~1b/c~0d' }
    expect(read('network=n', body, 'json', map)).toEqual({
      ok: true,
      params: { network: 'n', subid: '1:2:c', txn_id: 'rwrd_1', status: 'X' },
    })
    // Absent at the pointer: absent (the usual "missing …" answer follows).
    expect(read('network=n', JSON.stringify({ data: {} }), 'json', map)).toEqual({ ok: true, params: { network: 'n' } })
  })

  it('reads a pointer into the JSON document one form field carries (Awin: AwinTransactionPush#/transactionId)', () => {
    const push = { transactionId: '105956531', commission: '1.64', transactionCurrency: 'GBP', clickRef: '1:2:c' }
    const map = {
      subid: 'AwinTransactionPush#/clickRef',
      txn_id: 'AwinTransactionPush#/transactionId',
      amount: 'AwinTransactionPush#/commission',
      currency: 'AwinTransactionPush#/transactionCurrency',
    }
    const body = new URLSearchParams({ AwinTransactionPush: JSON.stringify(push) }).toString()
    expect(read('network=awin&status=pending', body, 'form', map)).toEqual({
      ok: true,
      params: { network: 'awin', status: 'pending', subid: '1:2:c', txn_id: '105956531', amount: '1.64', currency: 'GBP' },
    })
    const broken = read('network=awin', 'AwinTransactionPush=%7Bnot-json', 'form', map)
    expect(broken.ok).toBe(false)
  })

  it('our own names still read; the same value twice is fine, two different values are refused', () => {
    const map = { txn_id: '/data/key' }
    const body = JSON.stringify({ txn_id: 'A', data: { key: 'A' } })
    expect(read('network=n', body, 'json', map).params.txn_id).toBe('A')
    const twice = read('network=n&txn_id=B', JSON.stringify({ data: { key: 'A' } }), 'json', map)
    expect(twice).toMatchObject({ ok: false, reason: 'parameter txn_id given twice with different values' })
  })

  it('refuses a mapped value that is not a plain value, or a txn_id number that is not exact', () => {
    expect(read('network=n', JSON.stringify({ data: { key: { id: 1 } } }), 'json', { txn_id: '/data/key' })).toMatchObject({
      ok: false,
      reason: '/data/key (for txn_id) is not a plain value',
    })
    expect(read('network=n', '{"data":{"key":12345678901234567890}}', 'json', { txn_id: '/data/key' }).ok).toBe(false)
  })

  it("a pointer reads the document's own members, never an object's prototype", () => {
    const map = { txn_id: '/constructor', status: '/__proto__/x' }
    expect(read('network=n', '{"a": 1}', 'json', map)).toEqual({ ok: true, params: { network: 'n' } })
    expect(read('network=n', '{"constructor": "T1"}', 'json', map).params.txn_id).toBe('T1')
  })

  it('reads an amount in cents exactly (PartnerStack: 145 is 1.45), and refuses one that is not whole cents', () => {
    const map = { amount: '/data/amount', amountUnit: 'cents' }
    const amount = (v: unknown) => read('network=n', JSON.stringify({ data: { amount: v } }), 'json', map)
    expect(amount(145).params.amount).toBe('1.45')
    expect(amount(5).params.amount).toBe('0.05')
    expect(amount(-250).params.amount).toBe('-2.50')
    expect(amount('123456789012').params.amount).toBe('1234567890.12')
    expect(amount(1.5)).toMatchObject({ ok: false })
  })

  it('checks a map once, with the reason: network and token are never mapped', () => {
    expect(compileFieldMap({})).toBeNull()
    expect(compileFieldMap(null)).toBeNull()
    for (const [map, reason] of [
      [{ network: 'net' }, /network is read under our own name/],
      [{ token: 'key' }, /token is read under our own name/],
      [{ revenue: 'x' }, /not one of our fields/],
      [{ txn_id: '' }, /a parameter name or a JSON pointer/],
      [{ txn_id: 'a b' }, /is not a parameter name/],
      [{ txn_id: '/a/~x' }, /~0/],
      [{ txn_id: 'status' }, /our own parameter for another field/],
      [{ txn_id: 7 }, /a parameter name or a JSON pointer/],
      [[], /an object/],
    ] as const)
      expect(() => compileFieldMap(map), JSON.stringify(map)).toThrow(reason)
  })
})
