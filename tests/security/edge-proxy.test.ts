// Behind a proxy, the client address is the one the proxy saw, never one the
// client wrote: a forged X-Forwarded-For entry put in front of the real one must
// neither pass a network's IP allow-list nor rotate past the per-source postback
// limit or the x-admin-secret guess limit. Written as the attacks, with
// TRUST_PROXY as a hop count and as a CIDR list.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const PROXY = '10.0.0.2'
const NETWORK_SERVER = '203.0.113.10'
const ATTACKER = '198.51.100.66'
const LIMIT = 4

const settings: { name: string; env: Record<string, string> }[] = [
  { name: 'TRUST_PROXY=1', env: { TRUST_PROXY: '1' } },
  { name: 'TRUST_PROXY=10.0.0.0/8', env: { TRUST_PROXY: '10.0.0.0/8,127.0.0.1' } },
]

describeEachDatabase('edge: client address behind a proxy', (t) => {
  for (const { name, env } of settings) {
    describe(name, () => {
      let app: FastifyInstance
      const slug = `allow${name.length}${env.TRUST_PROXY!.length}`
      let subid = ''

      const api = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
        const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload, remoteAddress: '127.0.0.1' })
        expect(res.statusCode, res.body).toBeLessThan(300)
        return res.json<Record<string, unknown>>()
      }
      /** A postback as it reaches us through the proxy, with the X-Forwarded-For it carries. */
      const viaProxy = (query: Record<string, string>, xff: string) =>
        app.inject({ url: `/aff/postback?${new URLSearchParams(query)}`, remoteAddress: PROXY, headers: { 'x-forwarded-for': xff } })

      beforeAll(async () => {
        app = await buildTestApp(t(), { ...env, POSTBACK_RATE_LIMIT: String(LIMIT) })
        const partner = await api('POST', '/partners', { name: `Partner ${slug}` })
        // A network that authenticates by its allow-list alone (no token).
        await api('POST', '/networks', { slug, name: `Net ${slug}`, subidParam: 'subid', allowedIps: `${NETWORK_SERVER}/32` })
        await api('PATCH', `/networks/${slug}`, { postbackToken: null })
        const offer = await api('POST', '/offers', { network: slug, name: `Offer ${slug}`, url: 'https://adv.example/o?affid=CF' })
        const assignment = await api('POST', '/assignments', { partnerId: partner.id, offerId: offer.id, status: 'posted' })
        const click = await app.inject({ url: `/r/${assignment.code}`, headers: { 'user-agent': BROWSER }, remoteAddress: PROXY })
        expect(click.statusCode).toBe(302)
        subid = new URL(String(click.headers.location)).searchParams.get('subid')!
      })
      afterAll(async () => app.close())

      it('a forged left-most X-Forwarded-For does not pass the allow-list: 403, nothing booked', async () => {
        const txn = `forged-${slug}`
        const forged = await viaProxy(
          { network: slug, subid, txn_id: txn, amount: '50000', status: 'approved' },
          `${NETWORK_SERVER}, ${ATTACKER}`,
        )
        expect([forged.statusCode, forged.body]).toEqual([403, `ERROR source IP ${ATTACKER} not allowed`])
        expect(await t().db.walletEntry.count({ where: { txnId: txn } })).toBe(0)
        const log = await t().db.postbackLog.findFirstOrThrow({ where: { networkSlug: slug, outcome: 'forbidden' } })
        expect(log.sourceIp).toBe(ATTACKER)
        if (!env.TRUST_PROXY!.includes('/')) return
        // With the proxies listed, the same forgery straight to the server (no proxy in between)
        // changes nothing either. (A hop count cannot tell: it is only for a server that nothing
        // reaches but through its proxies, as SECURITY.md says.)
        const direct = await app.inject({
          url: `/aff/postback?${new URLSearchParams({ network: slug, subid, txn_id: txn, amount: '50000', status: 'approved' })}`,
          remoteAddress: ATTACKER,
          headers: { 'x-forwarded-for': NETWORK_SERVER },
        })
        expect(direct.statusCode).toBe(403)
        expect(await t().db.walletEntry.count({ where: { txnId: txn } })).toBe(0)
      })

      it("the network's real server, as the proxy reports it, is allowed", async () => {
        const txn = `real-${slug}`
        const real = await viaProxy(
          { network: slug, subid, txn_id: txn, amount: '12.50', status: 'approved' },
          `${ATTACKER}, ${NETWORK_SERVER}`,
        )
        expect([real.statusCode, real.body]).toEqual([200, 'OK'])
        expect(await t().db.walletEntry.count({ where: { txnId: txn } })).toBe(1)
      })

      it('rotating the left-most X-Forwarded-For entry does not escape the per-source postback limit', async () => {
        // Far more than the limit, each with a different forged entry, all inside one window.
        const answers = await Promise.all(
          Array.from({ length: LIMIT * 3 }, (_, i) =>
            viaProxy(
              { network: slug, subid, txn_id: `rot-${slug}-${i}`, amount: '1', status: 'pending' },
              `192.0.2.${i + 1}, ${NETWORK_SERVER}`,
            ),
          ),
        )
        const limited = answers.filter((a) => a.statusCode === 429).length
        expect(limited).toBeGreaterThanOrEqual(LIMIT * 2 - 1)
        // Another source behind the same proxy is counted on its own.
        const other = await viaProxy({ network: 'no-such-net', txn_id: 'x' }, `${NETWORK_SERVER}, 192.0.2.200`)
        expect(other.statusCode).not.toBe(429)
      })

      it('rotating the left-most X-Forwarded-For entry does not escape the x-admin-secret guess limit', async () => {
        const guesser = '198.51.100.99'
        let limited = 0
        for (let i = 0; i < 60 && limited === 0; i++) {
          const res = await app.inject({
            url: '/admin/api/networks',
            remoteAddress: PROXY,
            headers: { 'x-admin-secret': `guess-${i}`, 'x-forwarded-for': `192.0.2.${i + 1}, ${guesser}` },
          })
          if (res.statusCode === 429) limited++
          else expect(res.statusCode).toBe(401)
        }
        expect(limited).toBe(1)
        // The right secret from another address behind the same proxy is never blocked by it.
        const other = await app.inject({
          url: '/admin/api/networks',
          remoteAddress: PROXY,
          headers: { ...adminHeaders, 'x-forwarded-for': `${guesser}, 203.0.113.77` },
        })
        expect(other.statusCode).toBe(200)
      })
    })
  }
})
