// /admin/postbacks, /admin/postbacks/:id and /admin/imports on both databases,
// through the pages as ops and viewers use them: the log's filters and keyset
// pages, the raw request escaped with its token masked, replays (one line, the
// selection) that book once and never twice, truncated lines refused, viewers
// refused with nothing written, and the CSV import's preview then apply.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const DAY = 24 * 3600 * 1000

/** The log line ids of a list page, in page order. */
const idsOf = (html: string) => [...html.matchAll(/<tr data-log="(\d+)">/g)].map((m) => Number(m[1]))
const nextOf = (html: string) => /href="(\/admin\/postbacks\?[^"]*after=[^"]+)"/.exec(html)?.[1]?.replaceAll('&amp;', '&') ?? null
const flashOf = (html: string) =>
  (/<div class="flash flash--(ok|error)"[^>]*>([^<]*)<\/div>/.exec(html) ?? [])[2]?.replaceAll('&#39;', "'") ?? null

/** A multipart body as a browser sends the import form. */
async function multipart(fields: Record<string, string>, file?: { name: string; content: string | Uint8Array<ArrayBuffer> }) {
  const form = new FormData()
  for (const [k, v] of Object.entries(fields)) form.set(k, v)
  if (file) form.set('file', new Blob([file.content]), file.name)
  const req = new Request('http://localhost/', { method: 'POST', body: form })
  return { contentType: req.headers.get('content-type')!, payload: Buffer.from(await req.arrayBuffer()) }
}

describeEachDatabase('postback log, replay and import pages', (t) => {
  let app: FastifyInstance
  let ops: ConsoleSession
  let viewer: ConsoleSession

  const api = async (method: 'POST' | 'PATCH', url: string, payload: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  async function onboard(slug: string) {
    const network = await api('POST', '/networks', { slug, name: `Réseau ${slug}` })
    const partner = (await api('POST', '/partners', { name: `P ${slug}` })).id as number
    const offer = await api('POST', '/offers', { network: slug, name: `Offre ${slug}`, url: 'https://adv.example/o' })
    const assignment = await api('POST', '/assignments', { partnerId: partner, offerId: offer.id, status: 'posted' })
    const click = async () => {
      const res = await app.inject({ url: `/r/${String(assignment.code)}`, headers: { 'user-agent': BROWSER } })
      expect(res.statusCode).toBe(302)
      return new URL(String(res.headers.location)).searchParams.get(network.subidParam as string)!
    }
    const postback = (q: Record<string, string>) =>
      app.inject({ url: `/aff/postback?${new URLSearchParams({ network: slug, token: network.postbackToken as string, ...q })}` })
    return { slug, token: network.postbackToken as string, click, postback }
  }
  const lastLogId = async () => (await t().db.postbackLog.findFirstOrThrow({ orderBy: { id: 'desc' } })).id
  const counts = async () => ({
    entries: await t().db.walletEntry.count(),
    logs: await t().db.postbackLog.count(),
    audit: await t().db.auditLog.count(),
  })

  beforeAll(async () => {
    app = await buildTestApp(t(), { FX_RATES: 'USD=0.92', PAYOUT_RESERVE_PCT: '0' })
    ops = new ConsoleSession(app)
    await ops.login({ name: 'Ops', role: 'ops' })
    viewer = new ConsoleSession(app)
    await viewer.login({ name: 'Viewer', role: 'viewer' })
  })
  afterAll(async () => app.close())

  describe('the list: filters and keyset pages', () => {
    const base = Date.UTC(2026, 10, 1, 12)
    let all: { id: number; networkSlug: string; outcome: string; reason: string | null; sourceIp: string; receivedAt: Date }[] = []
    beforeAll(async () => {
      // 130 lines over 13 days, ten to a timestamp (ties across page boundaries), two networks, three sources.
      const rows = Array.from({ length: 130 }, (_, i) => ({
        method: 'GET',
        rawQuery: `network=${i % 2 ? 'lista' : 'listb'}&txn_id=L${String(i)}&token=***`,
        networkSlug: i % 2 ? 'lista' : 'listb',
        outcome: i % 3 === 0 ? 'rejected' : 'accepted',
        reason: i % 3 === 0 ? (i % 2 ? 'unknown currency XYZ (no rate in FX_RATES)' : 'unknown status "rebill"') : null,
        sourceIp: `198.51.100.${String(i % 3)}`,
        receivedAt: new Date(base + Math.floor(i / 10) * DAY),
        processedAt: new Date(base + Math.floor(i / 10) * DAY),
      }))
      await t().db.postbackLog.createMany({ data: rows })
      all = (await t().db.postbackLog.findMany({ where: { networkSlug: { in: ['lista', 'listb'] } } })).map((r) => ({
        ...r,
        networkSlug: r.networkSlug!,
        sourceIp: r.sourceIp!,
      }))
      expect(all).toHaveLength(130)
    })
    const newestFirst = (rows: typeof all) =>
      [...rows].sort((a, b) => b.receivedAt.getTime() - a.receivedAt.getTime() || b.id - a.id).map((r) => r.id)

    /** Every page of a filtered list, following "Plus anciens". */
    async function walk(query: string) {
      const seen: number[] = []
      let url: string | null = `/admin/postbacks?${query}`
      let pages = 0
      while (url) {
        const res = await viewer.get(url)
        expect(res.statusCode).toBe(200)
        const ids = idsOf(res.body)
        expect(ids.length).toBeLessThanOrEqual(50)
        seen.push(...ids)
        url = nextOf(res.body)
        pages++
      }
      return { seen, pages }
    }

    it('pages through a selection newest first, each line once, with no OFFSET', async () => {
      const inNov = all.filter((r) => r.receivedAt.getTime() < base + 13 * DAY)
      const { seen, pages } = await walk('from=2026-11-01&to=2026-11-13')
      expect(seen).toEqual(newestFirst(inNov))
      expect(pages).toBe(3)
    })

    it('filters by outcome, network, exact reason, source address and date range', async () => {
      const cases: [string, (r: (typeof all)[number]) => boolean][] = [
        ['outcome=rejected&from=2026-11-01', (r) => r.outcome === 'rejected'],
        ['network=lista', (r) => r.networkSlug === 'lista'],
        [`reason=${encodeURIComponent('unknown status "rebill"')}`, (r) => r.reason === 'unknown status "rebill"'],
        ['source=198.51.100.2&network=listb', (r) => r.sourceIp === '198.51.100.2' && r.networkSlug === 'listb'],
        [
          'from=2026-11-03&to=2026-11-04&network=lista',
          (r) =>
            r.networkSlug === 'lista' &&
            r.receivedAt >= new Date(base + 2 * DAY - 12 * 3600_000) &&
            r.receivedAt < new Date(Date.UTC(2026, 10, 5)),
        ],
      ]
      for (const [query, keep] of cases) {
        const { seen } = await walk(query)
        expect(seen, query).toEqual(newestFirst(all.filter(keep)))
        expect(seen.length, query).toBeGreaterThan(0)
      }
    })

    it('shows each line: when, network, method, outcome in French, reason, source; a bad filter says why', async () => {
      const page = await viewer.get('/admin/postbacks?network=lista&outcome=rejected')
      expect(page.body).toContain('Filtrer')
      const row = /<tr data-log="\d+">[\s\S]*?<\/tr>/.exec(page.body)![0]
      expect(row).toContain('refusé')
      expect(row).toContain('lista')
      expect(row).toContain('GET')
      expect(row).toContain('unknown currency XYZ (no rate in FX_RATES)')
      expect(row).toMatch(/198\.51\.100\.\d/)
      expect(row).toMatch(/\d{2}\/11\/2026 12:00/)
      expect(row).toMatch(/>L\d+</)
      const bad = await viewer.get('/admin/postbacks?from=2026-13-45&reason=abc')
      expect(bad.statusCode).toBe(200)
      expect(bad.body).toContain('Du : date invalide')
      expect(bad.body).toContain('value="abc"')
      expect(idsOf(bad.body)).toEqual([])
    })
  })

  describe('one line, and replays', () => {
    let n: Awaited<ReturnType<typeof onboard>>
    beforeAll(async () => {
      n = await onboard('rep')
    })

    it('shows the raw request escaped, with the token masked', async () => {
      const subid = await n.click()
      const res = await app.inject({
        method: 'POST',
        url: `/aff/postback?network=rep&token=${n.token}`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `subid=${subid}&txn_id=<b>X1</b>&status=approved&amount=10&currency=EUR&note=<script>alert(1)</script>`,
      })
      expect(res.body).toBe('OK')
      const id = await lastLogId()
      const page = await viewer.get(`/admin/postbacks/${id}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).not.toContain('<script>alert(1)')
      expect(page.body).toContain('&lt;script&gt;alert(1)&lt;/script&gt;')
      expect(page.body).toContain('txn_id=&lt;b&gt;X1&lt;/b&gt;')
      expect(page.body).not.toContain(n.token)
      expect(page.body).toContain('network=rep&amp;token=')
      expect(page.body).toMatch(/Conversion<\/b>\s*<div class="line"><a href="\/admin\/conversions\/\d+">/)
      expect(page.body).toContain('Non rejouable : déjà accepté')
      expect((await viewer.get('/admin/postbacks/999999')).statusCode).toBe(404)
    })

    it('replays a rejected line once its cause is fixed: booked once, then nothing new', async () => {
      const subid = await n.click()
      expect((await n.postback({ subid, txn_id: 'R1', status: 'rebill', amount: '20', currency: 'EUR' })).statusCode).toBe(400)
      const id = await lastLogId()
      const list = await ops.get('/admin/postbacks?network=rep&outcome=rejected')
      expect(list.body).toContain(`action="/admin/postbacks/${id}/replay"`)
      // Not fixed yet: refused again, nothing booked; the list's button leads back to the list as filtered.
      let res = await ops.post(`/admin/postbacks/${id}/replay`, {
        _csrf: ConsoleSession.csrfOf(list.body),
        back: '/admin/postbacks?network=rep&outcome=rejected',
      })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe('/admin/postbacks?network=rep&outcome=rejected')
      let page = await ops.get(String(res.headers.location))
      expect(flashOf(page.body)).toMatch(new RegExp(`^Ligne #${id} rejouée : refusée — unknown status .*rebill`))
      expect(await t().db.walletEntry.count({ where: { txnId: 'R1' } })).toBe(0)
      // The network's status word mapped: the replay books it.
      await api('PATCH', '/networks/rep', { statusWords: { rebill: 'confirmed' } })
      res = await ops.submit(`/admin/postbacks/${id}`, `/admin/postbacks/${id}/replay`, {})
      page = await ops.get(String(res.headers.location))
      const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'R1' } })
      expect(flashOf(page.body)).toBe(`Ligne #${id} rejouée : OK (conversion #${entry.id}).`)
      expect([entry.status, entry.amountCents]).toEqual(['confirmed', 2000])
      expect(page.body).toContain('data-outcome="accepted"')
      // Again: nothing new.
      const before = await t().db.walletEntry.count()
      res = await ops.post(`/admin/postbacks/${id}/replay`, { _csrf: await ops.csrfToken() })
      page = await ops.get(String(res.headers.location))
      expect(flashOf(page.body)).toBe(`Ligne #${id} rejouée : refusée — déjà accepté`)
      expect(await t().db.walletEntry.count()).toBe(before)
      const audits = await t().db.auditLog.findMany({ where: { action: 'postbacks.replay', subject: `postback_log:${id}` } })
      expect(audits).toHaveLength(3)
      expect(audits.every((a) => a.actor === ops.account!.email)).toBe(true)
    })

    it('replays the selection: each line once, the resent one a DUPLICATE, and a second click finds nothing', async () => {
      const subid = await n.click()
      for (let i = 0; i < 2; i++)
        expect((await n.postback({ subid, txn_id: 'S1', status: 'approved', amount: '7', currency: 'CHF' })).statusCode).toBe(400)
      const other = await n.click()
      expect((await n.postback({ subid: other, txn_id: 'S2', status: 'approved', amount: '3', currency: 'CHF' })).statusCode).toBe(400)
      const selection = 'network=rep&reason=' + encodeURIComponent('unknown currency CHF (no rate in FX_RATES)')
      expect(idsOf((await ops.get(`/admin/postbacks?${selection}`)).body)).toHaveLength(3)
      // The cause fixed: the network's default currency is not CHF, the rate table is; a new app with CHF in FX_RATES.
      const fixed = await buildTestApp(t(), { FX_RATES: 'USD=0.92,CHF=1.05', PAYOUT_RESERVE_PCT: '0' })
      try {
        const s = new ConsoleSession(fixed)
        await s.login({ name: 'Ops 2', role: 'ops' })
        const page = await s.get(`/admin/postbacks?${selection}`)
        expect(page.body).toContain('Rejouer la sélection')
        expect(page.body).toContain('500 au plus par clic')
        const form = { _csrf: ConsoleSession.csrfOf(page.body), network: 'rep', reason: 'unknown currency CHF (no rate in FX_RATES)' }
        const res = await s.post('/admin/postbacks/replay', form)
        expect(res.statusCode).toBe(303)
        const result = await s.get(String(res.headers.location))
        expect(flashOf(result.body)).toBe('3 ligne(s) rejouée(s) : 2 OK, 1 DUPLICATE, 0 refusée(s). Le résultat de chacune est ci-dessous.')
        // Each line of the replay with its new outcome.
        expect(idsOf(result.body)).toHaveLength(3)
        expect(result.body.match(/badge--outcome-accepted/g)).toHaveLength(2)
        expect(result.body.match(/badge--outcome-duplicate/g)).toHaveLength(1)
        expect(await t().db.walletEntry.count({ where: { txnId: { in: ['S1', 'S2'] } } })).toBe(2)
        const again = await s.post('/admin/postbacks/replay', form)
        expect(flashOf((await s.get(String(again.headers.location))).body)).toBe('Aucune ligne rejouable dans cette sélection.')
        expect(await t().db.walletEntry.count({ where: { txnId: { in: ['S1', 'S2'] } } })).toBe(2)
        const audit = await t().db.auditLog.findFirstOrThrow({ where: { action: 'postbacks.replay', subject: 'postback_logs:selection' } })
        expect(JSON.parse(audit.detail!)).toMatchObject({ lines: 3, ok: 2, duplicates: 1, refused: 0 })
      } finally {
        await fixed.close()
      }
    })

    it('refuses to replay a truncated line (it failed authentication) and books nothing', async () => {
      const subid = await n.click()
      const res = await app.inject({
        method: 'POST',
        url: `/aff/postback?network=late&token=whatever`,
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `subid=${subid}&txn_id=T1&status=approved&amount=10&pad=${'x'.repeat(5000)}`,
      })
      expect(res.statusCode).toBe(400)
      const id = await lastLogId()
      await api('POST', '/networks', { slug: 'late', name: 'Late', postbackToken: 'whatever-token-0000000' })
      const page = await ops.get(`/admin/postbacks/${id}`)
      expect(page.body).toContain('Non rejouable : tronqué dans le journal')
      expect(page.body).not.toContain(`action="/admin/postbacks/${id}/replay"`)
      expect(idsOf((await ops.get('/admin/postbacks?network=late')).body)).toEqual([id])
      expect((await ops.get('/admin/postbacks?network=late')).body).not.toContain(`/admin/postbacks/${id}/replay`)
      const replay = await ops.post(`/admin/postbacks/${id}/replay`, { _csrf: await ops.csrfToken() })
      expect(flashOf((await ops.get(String(replay.headers.location))).body)).toMatch(
        new RegExp(`^Ligne #${id} rejouée : refusée — tronqué dans le journal`),
      )
      expect(await t().db.walletEntry.count({ where: { txnId: 'T1' } })).toBe(0)
      expect((await t().db.postbackLog.findUniqueOrThrow({ where: { id } })).outcome).toBe('rejected')
    })

    it('gives a viewer the pages without any button, and a 403 with nothing written on every POST', async () => {
      const subid = await n.click()
      expect((await n.postback({ subid, txn_id: 'V1', status: 'approved', amount: '1', currency: 'GBP' })).statusCode).toBe(400)
      const id = await lastLogId()
      const list = await viewer.get('/admin/postbacks?network=rep')
      expect(idsOf(list.body)).toContain(id)
      expect(list.body).not.toContain('/replay')
      expect(list.body).not.toContain('Rejouer')
      const detail = await viewer.get(`/admin/postbacks/${id}`)
      expect(detail.body).not.toContain('/replay')
      expect(detail.body).toContain('Rejouable (par un rôle ops ou owner)')
      const imports = await viewer.get('/admin/imports')
      expect(imports.statusCode).toBe(200)
      expect(imports.body).not.toContain('action="/admin/imports')
      const before = await counts()
      const csrf = await viewer.csrfToken()
      expect((await viewer.post(`/admin/postbacks/${id}/replay`, { _csrf: csrf })).statusCode).toBe(403)
      expect((await viewer.post('/admin/postbacks/replay', { _csrf: csrf, network: 'rep' })).statusCode).toBe(403)
      const csv = `txn_id,status,amount,currency,subid\nV2,approved,5,EUR,${subid}\n`
      for (const action of ['preview', 'apply']) {
        const body = await multipart({ _csrf: csrf, network: 'rep', csv, fingerprint: 'x' })
        const res = await viewer.request({
          method: 'POST',
          url: `/admin/imports/${action}`,
          headers: { 'content-type': body.contentType },
          payload: body.payload,
        })
        expect(res.statusCode, action).toBe(403)
      }
      expect(await counts()).toEqual(before)
      expect((await t().db.postbackLog.findUniqueOrThrow({ where: { id } })).replayedAt).toBeNull()
    })
  })

  describe('the CSV import page', () => {
    let n: Awaited<ReturnType<typeof onboard>>
    let csv = ''
    beforeAll(async () => {
      n = await onboard('imp')
      const subid = await n.click()
      csv =
        'txn_id,status,amount,currency,subid\r\n' +
        `I1,approved,"12,50",EUR,${subid}\r\n` + // line 2: new
        `I2,approved,3,XYZ,${subid}\r\n` + // line 3: unknown currency
        `I3,approved,5,EUR,\r\n` // line 4: unknown txn id and no subid
    })
    const send = async (
      action: string,
      fields: Record<string, string>,
      file?: { name: string; content: string | Uint8Array<ArrayBuffer> },
    ) => {
      const body = await multipart({ _csrf: await ops.csrfToken(), ...fields }, file)
      return ops.request({
        method: 'POST',
        url: `/admin/imports/${action}`,
        headers: { 'content-type': body.contentType },
        payload: body.payload,
      })
    }
    const lineOutcomes = (html: string) =>
      [...html.matchAll(/<tr data-line="(\d+)">[\s\S]*?badge--import-(\w+)[\s\S]*?<td>([^<]*)<\/td>/g)].map((m) => [
        Number(m[1]),
        m[2],
        m[3],
      ])

    it('previews each line from a file, writing nothing; applies it; applying again changes nothing', async () => {
      const page = await ops.get('/admin/imports?network=imp')
      expect(page.body).toContain('<option value="imp" selected>')
      const before = await counts()
      const preview = await send('preview', { network: 'imp', csv: '' }, { name: 'conv.csv', content: csv })
      expect(preview.statusCode).toBe(200)
      expect(lineOutcomes(preview.body)).toEqual([
        [2, 'applied', ''],
        [3, 'refused', 'unknown currency XYZ (no rate in FX_RATES)'],
        [4, 'refused', 'unknown txn_id and no subid'],
      ])
      expect(preview.body).toMatch(/data-count="applied">1<.*data-count="duplicate">0<.*data-count="refused">2</s)
      expect(await counts()).toEqual(before)
      // The apply form carries the text previewed and its fingerprint.
      const text = /<textarea name="csv" rows="6" readonly>\n([\s\S]*?)<\/textarea>/.exec(preview.body)![1]!.replaceAll('&quot;', '"')
      // As a browser sends it back (line breaks as LF once read).
      expect(text).toBe(csv.replaceAll('\r\n', '\n'))
      const fingerprint = /name="fingerprint" value="([0-9a-f]{64})"/.exec(preview.body)![1]!
      let res = await send('apply', { network: 'imp', csv: text, fingerprint })
      expect(res.statusCode).toBe(303)
      expect(res.headers.location).toBe('/admin/imports?network=imp')
      expect(flashOf((await ops.get(String(res.headers.location))).body)).toMatch(
        /^Import appliqué \(imp\) : 1 ligne\(s\) appliquée\(s\), 0 doublon\(s\), 2 refusée\(s\) — ligne 3 : unknown currency XYZ/,
      )
      const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId: 'I1' } })
      expect([entry.status, entry.amountCents]).toEqual(['confirmed', 1250])
      expect(await t().db.postbackLog.count({ where: { method: 'IMPORT', networkSlug: 'imp' } })).toBe(3)
      // The same file again: nothing new.
      const entries = await t().db.walletEntry.count()
      res = await send('apply', { network: 'imp', csv: text, fingerprint })
      expect(flashOf((await ops.get(String(res.headers.location))).body)).toMatch(
        /^Import appliqué \(imp\) : 0 ligne\(s\) appliquée\(s\), 1 doublon\(s\), 2 refusée\(s\)/,
      )
      expect(await t().db.walletEntry.count()).toBe(entries)
      const audits = await t().db.auditLog.findMany({ where: { action: 'conversions.import', subject: 'network:imp' } })
      expect(audits.map((a) => [a.actor, JSON.parse(a.detail!).applied])).toEqual([
        [ops.account!.email, 1],
        [ops.account!.email, 0],
      ])
      // The imported lines are in the log, with their txn ids.
      const log = await ops.get('/admin/postbacks?network=imp')
      expect(log.body).toContain('>I2<')
    })

    it('refuses bad input with a clear reason and keeps what was pasted; a changed text is not applied', async () => {
      const before = await counts()
      let res = await send('preview', { network: '', csv: 'txn_id,status\nZ1,approved\n' })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('Choisissez un réseau.')
      expect(res.body).toContain('Z1,approved')
      res = await send('preview', { network: 'imp', csv: 'txn_id,status\nZ1,approved\n' })
      expect(res.body).toContain('Fichier refusé : colonne « amount » manquante dans l&#39;en-tête.')
      res = await send('preview', { network: 'imp', csv: csv }, { name: 'f.csv', content: csv })
      expect(res.body).toContain('Choisissez un fichier ou collez le texte, pas les deux.')
      res = await send('preview', { network: 'imp', csv: '' }, { name: 'latin1.csv', content: new Uint8Array([0x74, 0xe9, 0x0a]) })
      expect(res.statusCode).toBe(400)
      expect(res.body).toContain('n&#39;est pas un texte UTF-8')
      res = await send('apply', { network: 'imp', csv: `${csv}I9,approved,1,EUR,\r\n`, fingerprint: 'f'.repeat(64) })
      expect(flashOf((await ops.get(String(res.headers.location))).body)).toBe(
        "Le texte a changé depuis l'aperçu : refaites l'aperçu avant d'appliquer.",
      )
      // Over the body limit: refused before it is read, with the limit in French.
      res = await send('preview', { network: 'imp', csv: '' }, { name: 'big.csv', content: `${csv}${'x'.repeat(6 * 1024 * 1024)}` })
      expect(res.statusCode).toBe(413)
      expect(res.body).toContain('Fichier trop volumineux : 5 Mo au plus')
      expect(await counts()).toEqual(before)
    })
  })
})
