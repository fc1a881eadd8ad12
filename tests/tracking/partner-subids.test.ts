// The partner's own sub-ids on /r/<code>?s1=…&s5=: kept on the click when they
// are plain, cut when long, dropped when odd; never sent to the advertiser, and
// never a reason not to redirect.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { MAX_SUBID_LENGTH, partnerSubid, partnerSubids } from '../../src/tracking/partner-subids.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'

describe('partner sub-ids, as read from a query', () => {
  it('keeps plain values, cuts long ones, drops the rest', () => {
    expect(partnerSubid('spring-sale_2026.fr~a')).toBe('spring-sale_2026.fr~a')
    expect(partnerSubid('x'.repeat(200))).toBe('x'.repeat(MAX_SUBID_LENGTH))
    for (const odd of ['', 'a b', 'é', '<script>', 'a/b', 'a&b', "l'apostrophe", 'tab\tbed', undefined, 42, {}])
      expect(partnerSubid(odd), JSON.stringify(odd)).toBeNull()
    // A repeated key: the first value counts.
    expect(partnerSubid(['first', 'second'])).toBe('first')
  })

  it('reads s1…s5 and nothing else; none at all is no sub-ids', () => {
    expect(partnerSubids({ s1: 'a', s3: 'c', s5: 'e', s6: 'f', sid: 'x' })).toEqual(['a', null, 'c', null, 'e'])
    expect(partnerSubids({ s6: 'f' })).toBeUndefined()
    expect(partnerSubids({ s1: 'a b' })).toBeUndefined()
    expect(partnerSubids(undefined)).toBeUndefined()
  })
})

describeEachDatabase('partner sub-ids on the redirect', (t) => {
  let app: FastifyInstance
  let code = ''
  beforeAll(async () => {
    app = await buildTestApp(t())
    const api = async (url: string, payload: object) => {
      const res = await app.inject({ method: 'POST', url: `/admin/api${url}`, headers: adminHeaders, payload })
      expect(res.statusCode, res.body).toBeLessThan(300)
      return res.json<Record<string, unknown>>()
    }
    await api('/networks', { slug: 'net', name: 'Net', subidParam: 'aff_sub' })
    const offerId = (await api('/offers', { network: 'net', name: 'Shop', url: 'https://shop.example/p?lang=fr' })).id as number
    const partnerId = (await api('/partners', { name: 'Zoé' })).id as number
    code = (await api('/assignments', { partnerId, offerId, status: 'posted' })).code as string
  })
  afterAll(async () => app.close())

  const click = async (query: string) => {
    const res = await app.inject({ method: 'GET', url: `/r/${code}?${query}`, headers: { 'user-agent': BROWSER } })
    expect(res.statusCode, query).toBe(302)
    const target = new URL(String(res.headers.location))
    const clickId = target.searchParams.get('aff_sub')!.split(':')[2]!
    const event = await t().db.metricEvent.findUniqueOrThrow({ where: { clickId } })
    return { target, subids: [event.s1, event.s2, event.s3, event.s4, event.s5] }
  }

  it('stores s1…s5 on the click and sends none of them to the advertiser', async () => {
    const { target, subids } = await click('s1=newsletter&s2=dec-2026&s3=top.banner&s4=A_1&s5=x~y')
    expect(subids).toEqual(['newsletter', 'dec-2026', 'top.banner', 'A_1', 'x~y'])
    expect([...target.searchParams.keys()].sort()).toEqual(['aff_sub', 'lang'])
    expect(target.href).not.toMatch(/newsletter|dec-2026/)
  })

  it('a bad value never costs the redirect: odd ones dropped, long ones cut', async () => {
    const { subids } = await click(`s1=${'a'.repeat(300)}&s2=%3Cscript%3E&s3=caf%C3%A9&s4=&s5=ok&s5=twice`)
    expect(subids).toEqual(['a'.repeat(64), null, null, null, 'ok'])
    expect((await click('s1=%E0%A4%A')).subids).toEqual([null, null, null, null, null])
  })
})
