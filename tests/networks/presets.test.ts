// Network settings an operator makes through the admin API, on real databases:
// status words merged over the preset's (PATCH adds, null removes), field maps
// checked with a reason, dedupeBy, and the setup each preset prints.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { NETWORK_PRESETS } from '../../src/onboarding/presets.ts'

describeEachDatabase('network presets and settings', (t) => {
  let app: FastifyInstance
  beforeAll(async () => {
    app = await buildTestApp(t(), { PUBLIC_BASE_URL: 'https://track.example.com', FX_RATES: 'USD=0.92,GBP=1.17' })
  })
  afterAll(async () => app.close())

  const call = async (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: unknown) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload: payload as object })
    return { status: res.statusCode, body: res.json<Record<string, any>>() }
  }
  const postback = (query: Record<string, string>) => app.inject({ url: `/aff/postback?${new URLSearchParams(query)}` })

  it("PATCH statusWords merges: Keitaro's lead stays known after a word is added, null removes one", async () => {
    const created = await call('POST', '/networks', {
      slug: 'kt',
      name: 'Keitaro',
      preset: 'keitaro',
      postbackToken: 'kt-token-0123456789',
    })
    expect(created.status).toBe(201)
    // Only the network's own words are stored; the preset's are merged when read.
    expect(created.body.statusWords).toEqual({})
    expect(created.body.effectiveStatusWords).toMatchObject({
      lead: 'pending',
      sale: 'confirmed',
      rebill: 'confirmed',
      approved: 'confirmed',
    })
    const q = (txn: string, status: string) => ({
      network: 'kt',
      token: 'kt-token-0123456789',
      subid: '1:1:unknownclickid000000',
      txn_id: txn,
      amount: '2',
      status,
    })

    const added = await call('PATCH', '/networks/kt', { statusWords: { Upsell: 'confirmed' } })
    expect(added.body.statusWords).toEqual({ upsell: 'confirmed' })
    expect(added.body.effectiveStatusWords).toMatchObject({ lead: 'pending', upsell: 'confirmed' })
    expect((await postback(q('K1', 'lead'))).body).toBe('OK')
    expect((await postback(q('K2', 'upsell'))).body).toBe('OK')

    const removed = await call('PATCH', '/networks/kt', { statusWords: { lead: null, upsell: null } })
    expect(removed.body.statusWords).toEqual({ lead: null })
    expect(removed.body.effectiveStatusWords.lead).toBeUndefined()
    const refused = await postback(q('K3', 'lead'))
    expect([refused.statusCode, refused.body]).toEqual([400, 'ERROR unknown status "lead"'])
    expect((await postback(q('K4', 'upsell'))).body).toBe('ERROR unknown status "upsell"')

    // Set again, it is back; other words were never touched.
    await call('PATCH', '/networks/kt', { statusWords: { lead: 'pending' } })
    expect((await postback(q('K3', 'lead'))).body).toBe('OK')
    expect((await postback(q('K5', 'sale'))).body).toBe('OK')
  })

  it('field maps and dedupeBy: set on create and PATCH, refused with a reason', async () => {
    const created = await call('POST', '/networks', {
      slug: 'mapped',
      name: 'Mapped',
      fieldMap: { txn_id: '/data/key' },
      dedupeBy: 'click',
    })
    expect(created.body).toMatchObject({ fieldMap: { txn_id: '/data/key' }, dedupeBy: 'click' })
    const bad = await call('PATCH', '/networks/mapped', { fieldMap: { txn_id: 'data/key?' } })
    expect([bad.status, bad.body.error]).toEqual([
      400,
      'fieldMap.txn_id: "data/key?" is not a parameter name (letters, digits, _ . - : [ ])',
    ])
    const network = await call('PATCH', '/networks/mapped', { fieldMap: { network: 'n' } })
    expect(network.status).toBe(400)
    expect(network.body.error).toMatch(/^fieldMap\.network: network is read under our own name/)
    expect((await call('PATCH', '/networks/mapped', { dedupeBy: 'sometimes' })).status).toBe(400)
    const cleared = await call('PATCH', '/networks/mapped', { fieldMap: null, dedupeBy: 'txn' })
    expect(cleared.body).toMatchObject({ fieldMap: {}, dedupeBy: 'txn' })
  })

  it('a preset brings its sub-id parameter, words, field map, dedupe rule and documented separator', async () => {
    const expected: Record<string, Record<string, unknown>> = {
      awin: { subidParam: 'clickref', decimalSeparator: '.', dedupeBy: 'txn', fieldMap: { txn_id: 'AwinTransactionPush#/transactionId' } },
      binom: { subidParam: 'externalid', dedupeBy: 'click', decimalSeparator: null },
      voluum: { subidParam: 'externalid', dedupeBy: 'click' },
      impact: { subidParam: 'subId1', decimalSeparator: '.' },
      partnerstack: { subidParam: 'sid', fieldMap: { subid: '/data/customer/sub_ids/0', amountUnit: 'cents' } },
      cj: { subidParam: 'sid', effectiveStatusWords: expect.objectContaining({ locked: 'confirmed', new: 'pending' }) as unknown },
      rakuten: { subidParam: 'u1' },
    }
    for (const [preset, fields] of Object.entries(expected)) {
      const res = await call('POST', '/networks', { slug: `p-${preset}`, name: preset, preset })
      expect(res.status, preset).toBe(201)
      expect(res.body, preset).toMatchObject(fields)
    }
    // The operator's own choice wins over the preset's.
    const own = await call('POST', '/networks', {
      slug: 'p-awin-own',
      name: 'a',
      preset: 'awin',
      decimalSeparator: null,
      dedupeBy: 'click',
    })
    expect(own.body).toMatchObject({ decimalSeparator: null, dedupeBy: 'click' })
  })

  it('the setup of a fixed-status platform says so and says how its reversals reach us', async () => {
    for (const preset of ['everflow', 'tune', 'cake', 'voluum', 'awin', 'rakuten']) {
      await call('POST', '/networks', { slug: `fx-${preset}`, name: preset, preset, postbackToken: `token-${preset}-0123456789` })
      const setup = await call('GET', `/networks/fx-${preset}/postback-url`)
      expect(setup.body.fixedStatus, preset).toBe(true)
      const text = (setup.body.instructions as string[]).join('\n')
      expect(text, preset).toMatch(/can only send one fixed status/)
      expect(text, preset).toContain(`CSV import of conversion updates (POST /admin/api/networks/fx-${preset}/conversions/import)`)
    }
    const impact = await call('POST', '/networks', { slug: 'fx-impact', name: 'i', preset: 'impact' })
    expect(impact.body.postbackUrl).toContain('status={Status}')
    const setup = await call('GET', '/networks/fx-impact/postback-url')
    expect(setup.body.fixedStatus).toBe(false)
    expect((setup.body.instructions as string[]).join('\n')).not.toMatch(/fixed status/)
  })

  it('CJ has no postback: no URL, and the setup says its conversions and reversals come from the import', async () => {
    const created = await call('POST', '/networks', { slug: 'cj', name: 'CJ', preset: 'cj' })
    expect(created.body.postbackUrl).toBeNull()
    const setup = await call('GET', '/networks/cj/postback-url')
    expect(setup.body).toMatchObject({ url: null, method: 'none' })
    expect(setup.body.instructions[0]).toBe(
      'CJ sends no postback: its conversions, corrections and reversals reach us through the CSV import of conversion updates ' +
        '(POST /admin/api/networks/cj/conversions/import), which is coming with the money-operations issue.',
    )
  })

  it('every preset cites the documentation it was checked against, and says where a macro is not verified', async () => {
    const { PRESETS } = await import('../../src/onboarding/presets.ts')
    for (const preset of NETWORK_PRESETS) {
      if (preset === 'generic') continue
      expect(PRESETS[preset].sources.length, preset).toBeGreaterThan(0)
    }
    for (const preset of ['everflow', 'keitaro', 'voluum', 'redtrack', 'rakuten', 'partnerstack', 'binom', 'impact', 'awin'] as const)
      expect(PRESETS[preset].note, preset).toMatch(/not verified/)
  })
})
