// Ops' corrections and adjustments through the admin API, on both databases, as
// ops and the attacks see them: a conversion's status, amount and partner
// changed by hand (each with a mandatory reason, a history step of source
// `console` and an audit line naming who acted and why), each refusal with its
// one-line reason, a viewer refused, and a partner's adjustment counted as
// confirmed money at once, never reserved, while the global figures (conversions
// only) stay as they were.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { ledgerBalance, ledgerBalances } from '../../src/ledger/balances.ts'
import { conversionForCorrection, updateConversionIfUnchanged } from '../../src/db/queries/wallet-entries.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const RULES = { reservePct: 0.5, releaseDays: 30 }

interface Conversion {
  id: number
  network: string
  txnId: string
  partnerId: number | null
  status: string
  amountCents: number
  flag: string | null
  history: { fromStatus: string | null; toStatus: string; amountCents: number | null; word: string; source: string }[]
}

describeEachDatabase('corrections and adjustments', (t) => {
  let app: FastifyInstance
  let n: { slug: string; token: string; partnerId: number; assignmentId: number; click: () => Promise<string> }
  let otherPartner = 0

  const call = (method: 'POST' | 'GET', url: string, payload?: object) =>
    app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, ...(payload ? { payload } : {}) })
  const api = async (method: 'POST' | 'GET', url: string, payload?: object) => {
    const res = await call(method, url, payload)
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const read = async (txnId: string) => {
    const res = await call('GET', `/conversions?${new URLSearchParams({ network: n.slug, txn_id: txnId })}`)
    expect(res.statusCode, res.body).toBe(200)
    return res.json<Conversion>()
  }
  const postback = async (subid: string, q: Record<string, string>) => {
    const res = await app.inject({ url: `/aff/postback?${new URLSearchParams({ network: n.slug, token: n.token, subid, ...q })}` })
    expect(`${res.statusCode} ${res.body}`).toBe('200 OK')
  }
  /** A clean conversion on a real click. */
  const convert = async (txnId: string, status = 'pending', amount = '12.34') => {
    await postback(await n.click(), { txn_id: txnId, status, amount })
    return read(txnId)
  }
  const auditOf = (subject: string) => t().db.auditLog.findMany({ where: { subject }, orderBy: { id: 'asc' } })
  const balance = async (partnerId: number) => {
    const res = await call('GET', `/partners/${partnerId}/balance`)
    expect(res.statusCode, res.body).toBe(200)
    return res.json<{ confirmedCents: number; reservedCents: number; availableCents: number; owedCents: number }>()
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { PAYOUT_RESERVE_PCT: String(RULES.reservePct), PAYOUT_RELEASE_DAYS: String(RULES.releaseDays) })
    const network = await api('POST', '/networks', { slug: 'fixes', name: 'Fixes' })
    const partnerId = (await api('POST', '/partners', { name: 'Inès' })).id as number
    otherPartner = (await api('POST', '/partners', { name: 'Bruno' })).id as number
    const offer = await api('POST', '/offers', { network: 'fixes', name: 'Offer', url: 'https://adv.example/o' })
    const assignment = await api('POST', '/assignments', { partnerId, offerId: offer.id, status: 'posted' })
    const click = async () => {
      const res = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
      expect(res.statusCode).toBe(302)
      return new URL(String(res.headers.location)).searchParams.get(network.subidParam as string)!
    }
    n = { slug: 'fixes', token: network.postbackToken as string, partnerId, assignmentId: assignment.id as number, click }
  })
  afterAll(async () => app.close())

  describe('status', () => {
    it('moves a conversion to any status, answered as the read gives it, with history and audit', async () => {
      const c = await convert('S1')
      expect(c.status).toBe('pending')
      const res = await call('POST', `/conversions/${c.id}/status`, { status: 'confirmed', reason: '  network confirmed by e-mail  ' })
      expect(res.statusCode, res.body).toBe(200)
      const after = res.json<Conversion>()
      expect(after).toEqual(await read('S1'))
      expect(after.status).toBe('confirmed')
      expect(after.history.at(-1)).toMatchObject({ fromStatus: 'pending', toStatus: 'confirmed', source: 'console' })
      expect(after.history).toHaveLength(c.history.length + 1)
      const audit = await auditOf(`conversion:${c.id}`)
      expect(audit).toHaveLength(1)
      expect(audit[0]).toMatchObject({ actor: 'admin-api', action: 'conversion.status' })
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ from: 'pending', to: 'confirmed', reason: 'network confirmed by e-mail' })
      // Back to pending too: any canonical status.
      const back = await call('POST', `/conversions/${c.id}/status`, { status: 'pending', reason: 'mistake' })
      expect(back.json<Conversion>().status).toBe('pending')
    })

    it('refuses the same status (409), a missing or too long reason, an unknown status or conversion', async () => {
      const c = await convert('S2', 'approved')
      const same = await call('POST', `/conversions/${c.id}/status`, { status: 'confirmed', reason: 'again' })
      expect([same.statusCode, same.json()]).toEqual([409, { error: 'already confirmed' }])
      for (const body of [
        { status: 'rejected', reason: '   ' },
        { status: 'rejected', reason: 'x'.repeat(501) },
        { status: 'rejected' },
        { status: 'declined', reason: 'a network word is not a status' },
      ]) {
        const res = await call('POST', `/conversions/${c.id}/status`, body)
        expect(res.statusCode, JSON.stringify(body)).toBe(400)
        expect(res.json<{ error: string }>().error).not.toContain('\n')
      }
      expect((await call('POST', `/conversions/99999999/status`, { status: 'rejected', reason: 'none' })).statusCode).toBe(404)
      const unchanged = await read('S2')
      expect([unchanged.status, unchanged.history.length]).toEqual(['confirmed', c.history.length])
      expect(await auditOf(`conversion:${c.id}`)).toHaveLength(0)
      // 500 characters are enough.
      const long = await call('POST', `/conversions/${c.id}/status`, { status: 'rejected', reason: 'y'.repeat(500) })
      expect(long.statusCode, long.body).toBe(200)
    })
  })

  describe('amount', () => {
    it("changes the amount, and the partner's balance with it", async () => {
      const before = await balance(n.partnerId)
      const c = await convert('A1', 'approved', '10.00')
      expect((await balance(n.partnerId)).confirmedCents).toBe(before.confirmedCents + 1000)
      const res = await call('POST', `/conversions/${c.id}/amount`, { amountCents: 750, reason: 'partial refund agreed' })
      expect(res.statusCode, res.body).toBe(200)
      const after = res.json<Conversion>()
      expect(after).toEqual(await read('A1'))
      expect(after.amountCents).toBe(750)
      expect(after.history.at(-1)).toMatchObject({ fromStatus: 'confirmed', toStatus: 'confirmed', amountCents: 750, source: 'console' })
      expect((await balance(n.partnerId)).confirmedCents).toBe(before.confirmedCents + 750)
      const audit = await auditOf(`conversion:${c.id}`)
      expect(audit.map((a) => a.action)).toEqual(['conversion.amount'])
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ fromCents: 1000, toCents: 750, reason: 'partial refund agreed' })
    })

    it('refuses the same amount (409) and anything but a whole number of cents ≥ 0 (400)', async () => {
      const c = await convert('A2', 'pending', '5.00')
      const same = await call('POST', `/conversions/${c.id}/amount`, { amountCents: 500, reason: 'same' })
      expect([same.statusCode, same.json()]).toEqual([409, { error: 'already 500 cents' }])
      for (const amountCents of [-1, 1.5, '500', null])
        expect((await call('POST', `/conversions/${c.id}/amount`, { amountCents, reason: 'bad' })).statusCode, String(amountCents)).toBe(
          400,
        )
      expect((await call('POST', `/conversions/${c.id}/amount`, { amountCents: 400, reason: '' })).statusCode).toBe(400)
      expect((await read('A2')).amountCents).toBe(500)
      // Zero is an amount.
      expect((await call('POST', `/conversions/${c.id}/amount`, { amountCents: 0, reason: 'free sample' })).statusCode).toBe(200)
    })
  })

  describe('assign', () => {
    it('assigns an unattributed conversion: partner set, flag cleared, history and audit written', async () => {
      const [, asg] = (await n.click()).split(':')
      await postback(`99999999:${asg}:NOSUCHCLICKaaaaaaaaaaa`, { txn_id: 'U1', status: 'approved', amount: '3.00' })
      const c = await read('U1')
      expect([c.partnerId, c.flag]).toEqual([null, 'unknown_partner'])
      const before = await balance(otherPartner)
      const missing = await call('POST', `/conversions/${c.id}/assign`, { partnerId: 99999999, reason: 'typo' })
      expect(missing.statusCode).toBe(404)
      expect((await read('U1')).partnerId).toBeNull()
      const res = await call('POST', `/conversions/${c.id}/assign`, { partnerId: otherPartner, reason: 'sub-id mistyped by Bruno' })
      expect(res.statusCode, res.body).toBe(200)
      const after = res.json<Conversion>()
      expect(after).toEqual(await read('U1'))
      expect([after.partnerId, after.flag]).toEqual([otherPartner, null])
      expect(after.history.at(-1)).toMatchObject({ source: 'console', word: `assigned to partner #${otherPartner}` })
      expect((await balance(otherPartner)).confirmedCents).toBe(before.confirmedCents + 300)
      const audit = await auditOf(`conversion:${c.id}`)
      expect(audit.map((a) => a.action)).toEqual(['conversion.assign'])
      expect(JSON.parse(audit[0]!.detail!)).toMatchObject({
        fromPartnerId: null,
        toPartnerId: otherPartner,
        reason: 'sub-id mistyped by Bruno',
      })
      // Now attributed and clean: no second assignment.
      const again = await call('POST', `/conversions/${c.id}/assign`, { partnerId: n.partnerId, reason: 'steal it' })
      expect(again.statusCode).toBe(409)
      expect(again.json<{ error: string }>().error).toContain('already attributed')
    })

    it('assigns a flagged conversion; refuses a clean attributed one', async () => {
      const [p, asg] = (await n.click()).split(':')
      await postback(`${p}:${asg}:NOSUCHCLICKbbbbbbbbbbb`, { txn_id: 'F1', status: 'pending', amount: '2.00' })
      const flagged = await read('F1')
      expect(flagged.flag).toBe('unknown_click')
      const res = await call('POST', `/conversions/${flagged.id}/assign`, { partnerId: otherPartner, reason: 'checked with the network' })
      expect(res.statusCode, res.body).toBe(200)
      expect(res.json<Conversion>()).toMatchObject({ partnerId: otherPartner, flag: null })
      const clean = await convert('C1')
      const refused = await call('POST', `/conversions/${clean.id}/assign`, { partnerId: otherPartner, reason: 'nope' })
      expect(refused.statusCode).toBe(409)
      expect((await read('C1')).partnerId).toBe(n.partnerId)
      expect((await call('POST', `/conversions/${clean.id}/assign`, { partnerId: otherPartner })).statusCode).toBe(400)
    })
  })

  describe('adjustments', () => {
    it('counts at once as confirmed money, never reserved; the global figures stay conversions only', async () => {
      const partnerId = (await api('POST', '/partners', { name: 'Adjusted' })).id as number
      const globalBefore = await ledgerBalance(t().database, RULES)
      const res = await call('POST', `/partners/${partnerId}/adjustments`, { amountCents: 2500, reason: ' bonus for Q3 ' })
      expect(res.statusCode, res.body).toBe(201)
      const { id } = res.json<{ id: number }>()
      expect(await balance(partnerId)).toMatchObject({ confirmedCents: 2500, reservedCents: 0, availableCents: 2500, owedCents: 0 })
      const minus = await call('POST', `/partners/${partnerId}/adjustments`, { amountCents: -3000, reason: 'fraud clawback' })
      expect(minus.statusCode, minus.body).toBe(201)
      expect(await balance(partnerId)).toMatchObject({ confirmedCents: -500, reservedCents: 0, availableCents: 0, owedCents: 500 })
      // The many-partners read (the console's lists) agrees.
      expect((await ledgerBalances(t().database, RULES, [partnerId])).get(partnerId)).toEqual(
        await ledgerBalance(t().database, RULES, { partnerId }),
      )
      expect(await ledgerBalance(t().database, RULES)).toEqual(globalBefore)

      const entry = await t().db.walletEntry.findUniqueOrThrow({ where: { id }, include: { history: true } })
      expect(entry).toMatchObject({ partnerId, type: 'adjustment', status: 'confirmed', amountCents: 2500 })
      expect(entry.history).toMatchObject([{ fromStatus: null, toStatus: 'confirmed', amountCents: 2500, source: 'console' }])
      const audit = (await auditOf(`partner:${partnerId}`)).filter((a) => a.action !== 'partner.create')
      expect(audit.map((a) => [a.actor, a.action])).toEqual([
        ['admin-api', 'partner.adjustment'],
        ['admin-api', 'partner.adjustment'],
      ])
      expect(JSON.parse(audit[0]!.detail!)).toEqual({ entryId: id, amountCents: 2500, reason: 'bonus for Q3' })
    })

    it('refuses zero, a fraction, a missing reason (400) and an unknown partner (404)', async () => {
      const partnerId = (await api('POST', '/partners', { name: 'Refused' })).id as number
      for (const body of [
        { amountCents: 0, reason: 'r' },
        { amountCents: 1.5, reason: 'r' },
        { amountCents: 100, reason: ' ' },
        { amountCents: 100 },
      ])
        expect((await call('POST', `/partners/${partnerId}/adjustments`, body)).statusCode, JSON.stringify(body)).toBe(400)
      expect((await call('POST', `/partners/99999999/adjustments`, { amountCents: 100, reason: 'r' })).statusCode).toBe(404)
      expect(await t().db.walletEntry.count({ where: { partnerId, type: 'adjustment' } })).toBe(0)
    })
  })

  it('never overwrites a change made after the read (a postback landing meanwhile)', async () => {
    const c = await convert('R1')
    const read1 = (await conversionForCorrection(t().database, c.id))!
    // The network confirms it between the console's read and its write.
    await postback(await n.click(), { txn_id: 'R1', status: 'approved', amount: '12.34' })
    expect(await updateConversionIfUnchanged(t().database, read1, { status: 'rejected' }, new Date())).toBe(0)
    expect((await read('R1')).status).toBe('confirmed')
    // Through the API the correction reads again and decides on what is there now.
    const same = await call('POST', `/conversions/${c.id}/status`, { status: 'confirmed', reason: 'late' })
    expect([same.statusCode, same.json()]).toEqual([409, { error: 'already confirmed' }])
  })

  describe('who may', () => {
    const json = async (s: ConsoleSession, url: string, payload: object) =>
      s.request({
        method: 'POST',
        url: `/admin/api${url}`,
        headers: { 'content-type': 'application/json', accept: 'application/json', 'x-csrf-token': await s.csrfToken() },
        payload: JSON.stringify(payload),
      })

    it('a viewer changes nothing', async () => {
      const c = await convert('V1')
      const v = new ConsoleSession(app)
      await v.login({ role: 'viewer' })
      for (const [url, body] of [
        [`/conversions/${c.id}/status`, { status: 'confirmed', reason: 'viewer' }],
        [`/conversions/${c.id}/amount`, { amountCents: 1, reason: 'viewer' }],
        [`/conversions/${c.id}/assign`, { partnerId: otherPartner, reason: 'viewer' }],
        [`/partners/${n.partnerId}/adjustments`, { amountCents: 100, reason: 'viewer' }],
      ] as const)
        expect((await json(v, url, body)).statusCode, url).toBe(403)
      expect(await read('V1')).toEqual(c)
      expect(await t().db.walletEntry.count({ where: { partnerId: n.partnerId, type: 'adjustment' } })).toBe(0)
    })

    it('ops may, and the audit line names the account', async () => {
      const c = await convert('O1')
      const o = new ConsoleSession(app)
      await o.login({ role: 'ops' })
      const res = await json(o, `/conversions/${c.id}/status`, { status: 'rejected', reason: 'duplicate order' })
      expect(res.statusCode, res.body).toBe(200)
      expect((await auditOf(`conversion:${c.id}`)).map((a) => a.actor)).toEqual([o.account!.email])
      const adj = await json(o, `/partners/${n.partnerId}/adjustments`, { amountCents: 100, reason: 'goodwill' })
      expect(adj.statusCode, adj.body).toBe(201)
    })
  })
})
