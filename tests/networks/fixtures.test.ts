// Each platform's documented postbacks, replayed on real databases through its
// preset as an operator onboards it: network from the preset (admin API), offer,
// partner, assignment, a real click for the sub-id, then the fixture's requests in
// order with the macros filled as the platform fills them, checking each answer
// and the entry it leaves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { NETWORK_FIXTURES } from '../fixtures/networks/index.ts'
import { SUBID, type FixtureStep } from '../fixtures/networks/types.ts'
import { NETWORK_PRESETS } from '../../src/onboarding/presets.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

/** Replaces SUBID wherever it is in a JSON value. */
function withSubid(value: unknown, subid: string): unknown {
  if (value === SUBID) return subid
  if (Array.isArray(value)) return value.map((v) => withSubid(v, subid))
  if (value !== null && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, withSubid(v, subid)]))
  return value
}

describeEachDatabase('platform fixtures through their presets', (t) => {
  let app: FastifyInstance
  let partnerId = 0

  const api = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, any>>()
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { PUBLIC_BASE_URL: 'https://track.example.com', FX_RATES: 'USD=0.92,GBP=1.17' })
    partnerId = (await api('POST', '/partners', { name: 'Inès' })).id as number
  })
  afterAll(async () => app.close())

  it('there is a fixture for every platform preset', () => {
    expect(NETWORK_FIXTURES.map((f) => f.preset).sort()).toEqual(NETWORK_PRESETS.filter((p) => p !== 'generic').sort())
  })

  for (const fixture of NETWORK_FIXTURES) {
    describe(fixture.preset, () => {
      it('replays what the platform sends, in order', async () => {
        const slug = `fx-${fixture.preset}`
        const network = await api('POST', '/networks', { slug, name: fixture.preset, preset: fixture.preset, ...fixture.network })
        const offer = await api('POST', '/offers', { network: slug, name: `Offer ${slug}`, url: 'https://adv.example/o?affid=CF' })
        const assignment = await api('POST', '/assignments', { partnerId, offerId: offer.id, status: 'posted' })
        const click = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
        expect(click.statusCode).toBe(302)
        const subid = new URL(String(click.headers.location)).searchParams.get(network.subidParam as string)!
        expect(subid).toMatch(/^\d+:\d+:[A-Za-z0-9]{22}$/)
        const clickId = subid.split(':')[2]!
        const setup = await api('GET', `/networks/${slug}/postback-url`)

        if (fixture.noPostback) {
          expect(setup.url).toBeNull()
          expect((setup.instructions as string[])[0]).toMatch(/sends no postback: .* through the CSV import of conversion updates/)
          return
        }

        const fire = (step: FixtureStep) => {
          const template = (step.alternative ? setup.alternativeUrl : setup.url) as string
          let url = template
          for (const [macro, value] of Object.entries(step.macros ?? {}))
            url = url.split(macro).join(encodeURIComponent(value === SUBID ? subid : value))
          // Every macro of the URL is filled, as the platform fills them.
          expect(url).not.toMatch(/\{[A-Za-z_]+\}|#[a-z0-9]+#|!!![A-Za-z0-9]+!!!|<[a-z_0-9]+>|REPLACE_/)
          const path = url.replace(/^https?:\/\/[^/]+/, '')
          if (step.form)
            return app.inject({
              method: 'POST',
              url: path,
              headers: { 'content-type': 'application/x-www-form-urlencoded' },
              payload: new URLSearchParams(
                Object.fromEntries(Object.entries(step.form).map(([k, v]) => [k, v.split(SUBID).join(subid)])),
              ).toString(),
            })
          if (step.json !== undefined) return app.inject({ method: 'POST', url: path, payload: withSubid(step.json, subid) as object })
          return app.inject({ url: path })
        }

        for (const step of fixture.steps) {
          const res = await fire(step)
          const [status, body] = step.answer
          expect(res.statusCode, `${fixture.preset}: ${step.does}: ${res.body}`).toBe(status)
          if (typeof body === 'string') expect(res.body, `${fixture.preset}: ${step.does}`).toBe(body)
          else expect(res.body, `${fixture.preset}: ${step.does}`).toMatch(body)
          if (step.entry) {
            const txnId = step.entry.txn === '@click' ? clickId : step.entry.txn
            const entries = await t().db.walletEntry.findMany({ where: { networkId: network.id as number, txnId } })
            expect(entries, `${fixture.preset}: ${step.does}`).toHaveLength(1)
            expect(entries[0], `${fixture.preset}: ${step.does}`).toMatchObject({
              status: step.entry.status,
              amountCents: step.entry.amountCents,
              partnerId,
              flag: null,
            })
            if (step.entry.count !== undefined)
              expect(await t().db.walletEntry.count({ where: { networkId: network.id as number } })).toBe(step.entry.count)
          }
        }
        // Every request is in the log, whatever its answer.
        expect(await t().db.postbackLog.count({ where: { networkSlug: slug } })).toBe(fixture.steps.length)
      })
    })
  }
})
