// POST /admin/api/networks/:slug/conversions/import on both databases: a CSV of
// conversion updates goes through the postback rules (status words, decimal
// separator, ledger lifecycle), line by line into the postback log, and a second
// import of the same file changes nothing. Checked through the read API.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { loadPostbackNetwork } from '../../src/postbacks/network-cache.ts'
import { replayPostbacks } from '../../src/postbacks/replay.ts'

const BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

interface Conversion {
  status: string
  amountCents: number
  history: { toStatus: string; amountCents: number | null; word: string; source: string }[]
}

describeEachDatabase('conversion import (CSV)', (t) => {
  let app: FastifyInstance

  const api = async (method: 'POST' | 'GET' | 'PATCH', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const upload = (slug: string, csv: string | Buffer, query = '') =>
    app.inject({
      method: 'POST',
      url: `/admin/api/networks/${slug}/conversions/import${query}`,
      headers: { ...adminHeaders, 'content-type': 'text/csv' },
      payload: csv,
    })
  const conversion = async (network: string, txnId: string) => {
    const res = await app.inject({
      url: `/admin/api/conversions?${new URLSearchParams({ network, txn_id: txnId })}`,
      headers: adminHeaders,
    })
    return res.statusCode === 404 ? null : res.json<Conversion>()
  }

  async function onboard(slug: string, extra: Record<string, unknown> = {}) {
    const network = await api('POST', '/networks', { slug, name: slug, ...extra })
    const partner = (await api('POST', '/partners', { name: `P ${slug}` })).id as number
    const offer = await api('POST', '/offers', { network: slug, name: `Offer ${slug}`, url: 'https://adv.example/o' })
    const assignment = await api('POST', '/assignments', { partnerId: partner, offerId: offer.id, status: 'posted' })
    const click = async () => {
      const res = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
      expect(res.statusCode).toBe(302)
      return new URL(String(res.headers.location)).searchParams.get(network.subidParam as string)!
    }
    return { slug, token: network.postbackToken as string, click }
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), { FX_RATES: 'USD=0.92', PAYOUT_RESERVE_PCT: '0' })
  })
  afterAll(async () => app.close())

  describe('a file of new conversions, moves, corrections, returns and bad lines', () => {
    let n: Awaited<ReturnType<typeof onboard>>
    let csv = ''
    beforeAll(async () => {
      n = await onboard('imp', { decimalSeparator: ',' })
      const [s1, s2, s3] = [await n.click(), await n.click(), await n.click()]
      // An existing conversion, moved and corrected by the file; another returned in part.
      const pb = (q: Record<string, string>) =>
        app.inject({ url: `/aff/postback?${new URLSearchParams({ network: n.slug, token: n.token, ...q })}` })
      expect((await pb({ subid: s2, txn_id: 'OLD-1', status: 'pending', amount: '10,00' })).body).toBe('OK')
      expect((await pb({ subid: s3, txn_id: 'OLD-2', status: 'approved', amount: '30,00' })).body).toBe('OK')
      // Header in its own order, a quoted field with a comma, CRLF, a BOM.
      csv =
        '\uFEFFsubid,txn_id,status,amount,currency\r\n' +
        `${s1},NEW-1,pending,"12,50",EUR\r\n` + // line 2: new conversion
        `,OLD-1,approved,,\r\n` + // line 3: status move, no subid (known)
        `,OLD-1,approved,"15,00",EUR\r\n` + // line 4: amount correction
        `,OLD-2,approved,"-5,00",EUR\r\n` + // line 5: partial return
        `${s1},BAD-1,pending,12abc,EUR\r\n` + // line 6: bad amount
        `${s1},BAD-2,teleported,"1,00",EUR\r\n` + // line 7: unknown status
        `,GHOST-1,approved,"1,00",EUR\r\n` + // line 8: unknown txn without subid
        `${s1},BAD-3,pending\r\n` // line 9: wrong column count
    })

    it('a dry run gives each line its outcome and writes nothing', async () => {
      const logsBefore = await t().db.postbackLog.count()
      const res = await upload(n.slug, csv, '?dryRun=1')
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<{
        applied: number
        duplicates: number
        refused: { line: number }[]
        lines: { line: number; outcome: string }[]
      }>()
      expect([body.applied, body.duplicates, body.refused.map((r) => r.line)]).toEqual([4, 0, [6, 7, 8, 9]])
      expect(body.lines.map((l) => `${l.line}:${l.outcome}`)).toEqual([
        '2:applied',
        '3:applied',
        '4:applied',
        '5:applied',
        '6:refused',
        '7:refused',
        '8:refused',
        '9:refused',
      ])
      expect(await conversion(n.slug, 'NEW-1')).toBeNull()
      expect((await conversion(n.slug, 'OLD-1'))!.status).toBe('pending')
      expect(await t().db.postbackLog.count()).toBe(logsBefore)
    })

    it('applies the file line by line, each line in the postback log, refused lines with their reason', async () => {
      const res = await upload(n.slug, csv)
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<{ applied: number; duplicates: number; refused: { line: number; reason: string }[] }>()
      expect(body.applied).toBe(4)
      expect(body.duplicates).toBe(0)
      expect(body.refused.map((r) => r.line)).toEqual([6, 7, 8, 9])
      expect(body.refused[1]!.reason).toBe('unknown status "teleported"')
      expect(body.refused[2]!.reason).toBe('unknown txn_id and no subid')
      expect(body.refused[3]!.reason).toBe('expected 5 columns, got 3')
      expect(body.refused[0]!.reason).toMatch(/amount/)

      const created = (await conversion(n.slug, 'NEW-1'))!
      expect([created.status, created.amountCents, created.history.map((h) => h.source)]).toEqual(['pending', 1250, ['import']])
      const moved = (await conversion(n.slug, 'OLD-1'))!
      expect([moved.status, moved.amountCents]).toEqual(['confirmed', 1500])
      expect(moved.history.map((h) => `${h.source}:${h.toStatus}:${String(h.amountCents)}`)).toEqual([
        'postback:pending:1000',
        'import:confirmed:null',
        'import:confirmed:1500',
      ])
      const returned = (await conversion(n.slug, 'OLD-2'))!
      expect([returned.status, returned.amountCents]).toEqual(['confirmed', 2500])
      for (const txn of ['BAD-1', 'BAD-2', 'BAD-3', 'GHOST-1']) expect(await conversion(n.slug, txn)).toBeNull()

      const logs = await t().db.postbackLog.findMany({ where: { networkSlug: n.slug, method: 'IMPORT' }, orderBy: { id: 'asc' } })
      expect(logs.map((l) => l.outcome)).toEqual([
        'accepted',
        'updated',
        'updated',
        'updated',
        'rejected',
        'rejected',
        'rejected',
        'rejected',
      ])
      expect(logs[6]!.rawBody).toBe(',GHOST-1,approved,"1,00",EUR')
      expect(logs[6]!.reason).toBe('unknown txn_id and no subid')
      const audit = await t().db.auditLog.findMany({ where: { action: 'conversions.import', subject: `network:${n.slug}` } })
      expect(audit.map((a) => JSON.parse(a.detail!) as unknown)).toEqual([{ applied: 4, duplicates: 0, refused: 4 }])
    })

    it('the same file again changes nothing: every valid line a duplicate', async () => {
      const before = await Promise.all(['NEW-1', 'OLD-1', 'OLD-2'].map((txn) => conversion(n.slug, txn)))
      const res = await upload(n.slug, csv)
      expect(res.statusCode, res.body).toBe(200)
      const body = res.json<{ applied: number; duplicates: number; refused: { line: number }[] }>()
      expect([body.applied, body.duplicates, body.refused.map((r) => r.line)]).toEqual([0, 4, [6, 7, 8, 9]])
      const after = await Promise.all(['NEW-1', 'OLD-1', 'OLD-2'].map((txn) => conversion(n.slug, txn)))
      expect(after).toEqual(before)
    })
  })

  it('a dry run of a long file sees a conversion created hundreds of lines before its move', async () => {
    const n = await onboard('imp5')
    const subid = await n.click()
    const filler = Array.from({ length: 600 }, (_, i) => `F-${String(i)},pending,1.00,EUR,${subid}\n`).join('')
    const csv = `txn_id,status,amount,currency,subid\nX-1,pending,5.00,EUR,${subid}\n${filler}X-1,approved,,,\n`
    const res = await upload(n.slug, csv, '?dryRun=1')
    expect(res.statusCode, res.body).toBe(200)
    const body = res.json<{ applied: number; refused: unknown[]; lines: { line: number; outcome: string }[] }>()
    expect([body.applied, body.refused, body.lines.at(-1)]).toEqual([
      602,
      [],
      { line: 603, outcome: 'applied', reason: null, entryId: expect.any(Number) as number },
    ])
    expect(await conversion(n.slug, 'X-1')).toBeNull()
    // Applied for real, the move without a subid finds the conversion the file created.
    expect((await upload(n.slug, csv)).json<{ applied: number }>().applied).toBe(602)
    expect((await conversion(n.slug, 'X-1'))!.status).toBe('confirmed')
  })

  it('a refused line is replayed from the log once its cause is fixed, read with its header', async () => {
    const n = await onboard('imp4')
    const subid = await n.click()
    const csv = `status,currency,amount,txn_id,subid\nteleported,USD,10.00,R-1,${subid}\napproved,EUR,1.00,R-GHOST,\n`
    expect((await upload(n.slug, csv)).json<{ refused: { line: number }[] }>().refused.map((r) => r.line)).toEqual([2, 3])
    const logs = await t().db.postbackLog.findMany({ where: { networkSlug: n.slug, method: 'IMPORT' }, orderBy: { id: 'asc' } })
    expect(logs.map((l) => l.outcome)).toEqual(['rejected', 'rejected'])
    await api('PATCH', '/networks/imp4', { statusWords: { teleported: 'confirmed' } })
    const ctx = {
      database: t().database,
      fxRates: { EUR: '1', USD: '0.92' },
      salt: 'salt-for-tests-0123456789',
      networks: (slug: string) => loadPostbackNetwork(t().db, slug),
    }
    const replayed = await replayPostbacks(ctx, { ids: logs.map((l) => l.id) })
    expect(replayed.map((r) => [r.after, r.reason])).toEqual([
      ['accepted', null],
      ['rejected', 'unknown txn_id and no subid'],
    ])
    const c = (await conversion(n.slug, 'R-1'))!
    expect([c.status, c.amountCents, c.history.map((h) => `${h.source}:${h.word}`)]).toEqual(['confirmed', 920, ['import:teleported']])
    const line = await t().db.postbackLog.findUniqueOrThrow({ where: { id: logs[0]!.id } })
    expect([line.outcome, line.replayedAt !== null]).toEqual(['accepted', true])
    // Idempotent: the same file again is a duplicate on that line.
    expect((await upload(n.slug, csv)).json<{ duplicates: number }>().duplicates).toBe(1)
  })

  it('refuses a file it cannot read, a missing header column, an unknown network', async () => {
    await onboard('imp2')
    expect((await upload('imp2', 'txn_id,status,amount\nA,pending,1\n')).body).toContain('missing column \\"currency\\"')
    expect((await upload('imp2', 'txn_id,status,amount,currency\nA,"pending\n')).statusCode).toBe(400)
    expect((await upload('imp2', Buffer.from([0x74, 0xff, 0xfe, 0x0a]))).statusCode).toBe(400)
    expect((await upload('nope', 'txn_id,status,amount,currency\n')).statusCode).toBe(404)
    expect((await upload('imp2', 'txn_id,status,amount,currency\nN\u0000,pending,1.00,EUR\n')).statusCode).toBe(400)
    // A misspelt dry run is refused, not run for real.
    const typo = await upload('imp2', 'txn_id,status,amount,currency\nT-1,pending,1.00,EUR\n', '?dryRun=yes')
    expect(typo.statusCode).toBe(400)
    expect(await t().db.postbackLog.count({ where: { networkSlug: 'imp2' } })).toBe(0)
    const big = `txn_id,status,amount,currency\n${'x'.repeat(5 * 1024 * 1024)}\n`
    expect((await upload('imp2', big)).statusCode).toBe(413)
    const many = `txn_id,status,amount,currency\n${'A,pending,1,EUR\n'.repeat(50_001)}`
    expect((await upload('imp2', many)).statusCode).toBe(400)
  })

  it('a viewer is refused and nothing is written', async () => {
    await onboard('imp3')
    const viewer = new ConsoleSession(app)
    await viewer.login({ role: 'viewer', name: 'Viewer' })
    const csrf = await viewer.csrfToken()
    const logsBefore = await t().db.postbackLog.count()
    const res = await viewer.request({
      method: 'POST',
      url: '/admin/api/networks/imp3/conversions/import',
      headers: { 'content-type': 'text/csv', 'x-csrf-token': csrf },
      payload: 'txn_id,status,amount,currency,subid\nV1,pending,1,EUR,\n',
    })
    expect(res.statusCode).toBe(403)
    expect(await t().db.postbackLog.count()).toBe(logsBefore)
    // Ops may import; the audit line names the account.
    const ops = new ConsoleSession(app)
    await ops.login({ role: 'ops', name: 'Ops' })
    const allowed = await ops.request({
      method: 'POST',
      url: '/admin/api/networks/imp3/conversions/import',
      headers: { 'content-type': 'text/csv', 'x-csrf-token': await ops.csrfToken() },
      payload: 'txn_id,status,amount,currency,subid\nV1,pending,1,EUR,\n',
    })
    expect(allowed.statusCode, allowed.body).toBe(200)
    expect(allowed.json()).toEqual({ applied: 0, duplicates: 0, refused: [{ line: 2, reason: 'unknown txn_id and no subid' }] })
    const audit = await t().db.auditLog.findFirstOrThrow({ where: { action: 'conversions.import', subject: 'network:imp3' } })
    expect(audit.actor).not.toBe('admin-api')
  })
})
