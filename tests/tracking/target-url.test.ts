import { describe, expect, it } from 'vitest'
import fc from 'fast-check'
import { mergeSubid, parseOfferUrl, targetFor, targetTemplate } from '../../src/tracking/target-url.ts'

describe('target URL', () => {
  it('adds the sub-id to the existing query, encoded, fragment kept', () => {
    expect(mergeSubid('https://annonceur.com/?affid=XXX', 'subid', '1:2:abc')).toBe('https://annonceur.com/?affid=XXX&subid=1%3A2%3Aabc')
    expect(mergeSubid('https://a.example/p?x=1&y=2#frag', 'sid', '1:2:c')).toBe('https://a.example/p?x=1&y=2&sid=1%3A2%3Ac#frag')
    expect(mergeSubid('https://a.example/p', 'aff_sub', '1_2_c')).toBe('https://a.example/p?aff_sub=1_2_c')
    expect(mergeSubid('https://a.example/p?#top', 'subid', 'v')).toBe('https://a.example/p?subid=v#top')
  })

  it('keeps the existing query byte for byte (no re-serialisation)', () => {
    const url = 'https://a.example/l?next=https%3A%2F%2Fb.example%2F%3Fq%3D1&q=a+b&flag&e=%C3%A9'
    expect(mergeSubid(url, 'subid', 'v')).toBe(`${url}&subid=v`)
  })

  it('replaces an earlier value of the same parameter (e.g. a placeholder)', () => {
    expect(mergeSubid('https://a.example/?subid={subid}&affid=1', 'subid', '1:2:c')).toBe('https://a.example/?affid=1&subid=1%3A2%3Ac')
    expect(mergeSubid('https://a.example/?sub%31=old&affid=1', 'sub1', 'new')).toBe('https://a.example/?affid=1&sub1=new')
  })

  it('encodes a parameter name and value that need it', () => {
    expect(mergeSubid('https://a.example/', 'sub id', 'a&b=c')).toBe('https://a.example/?sub%20id=a%26b%3Dc')
  })

  it('accepts only absolute http(s) URLs without credentials', () => {
    for (const bad of [
      'javascript:alert(1)',
      '/relative',
      'ftp://a.example/',
      'https://user:pw@a.example/',
      'not a url',
      'data:text/html,x',
    ]) {
      expect(() => parseOfferUrl(bad), bad).toThrow()
    }
    expect(parseOfferUrl('http://a.example:8080/x').host).toBe('a.example:8080')
  })

  it('the per-link template gives exactly what mergeSubid gives (property)', () => {
    const query = fc.array(fc.tuple(fc.stringMatching(/^[a-z_]{1,6}$/), fc.string({ maxLength: 8 })), { maxLength: 4 })
    fc.assert(
      fc.property(
        query,
        fc.option(fc.stringMatching(/^[a-z0-9-]{0,8}$/)),
        fc.stringMatching(/^[A-Za-z0-9]{22}$/),
        fc.constantFrom('subid', 'sid', 'aff_sub', 'clickref', 'subId1', 's2'),
        (pairs, fragment, clickId, param) => {
          const search = pairs.map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join('&')
          const offer = `https://adv.example/path?${search}${fragment === null ? '' : `#${fragment}`}`
          const template = targetTemplate(offer, param, '12:34:')
          const target = targetFor(template, clickId)
          expect(target).toBe(mergeSubid(offer, param, `12:34:${clickId}`))
          expect(new URL(target).searchParams.get(param)).toBe(`12:34:${clickId}`)
          expect(new URL(target).host).toBe('adv.example')
        },
      ),
    )
  })
})
