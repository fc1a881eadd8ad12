// The console's conversion pages over inject, on both databases, as ops and
// viewers see them: the list and its filters (network, partner by number or by
// name, status, flag, period, txn id) with keyset pages that keep the filters;
// the detail (entry, history with who and why, the postbacks with their token
// masked, the click); each correction as ops, visible in the detail and the
// audit log; a viewer refused with nothing written; an empty reason refused in
// French; and a partner's manual adjustment moving its balance.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { isoDay } from '../../src/format/dates.ts'
import { DAY_MS } from '../../src/time.ts'

const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36'
const REFERER = 'https://blog.example/article-velo'

/** The page's text without tags, entities decoded, spaces made plain. */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&amp;/g, '&')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/[\u00a0\u202f\s]+/g, ' ')
const flashOf = (html: string) => /<div class="flash flash--(ok|error)"[^>]*>([^<]*)<\/div>/.exec(html)
/** Ids of the list's rows, in page order. */
const rowsOf = (html: string) => [...html.matchAll(/<tr data-conversion="(\d+)">/g)].map((m) => Number(m[1]))
const nextLinkOf = (html: string) => /<a href="([^"]+)" rel="next">/.exec(html)?.[1]?.replace(/&amp;/g, '&') ?? null

describeEachDatabase('conversion pages', (t) => {
  let app: FastifyInstance
  let ops: ConsoleSession
  let viewer: ConsoleSession
  const ids: Record<string, number> = {}
  let partnerId = 0
  let otherPartner = 0
  let assignmentId = 0
  let token = ''
  let clickSubid = ''

  const api = async (url: string, payload: object) => {
    const res = await app.inject({ method: 'POST', url: `/admin/api${url}`, headers: adminHeaders, payload })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const click = async (code: string) => {
    const res = await app.inject({ url: `/r/${code}`, headers: { 'user-agent': BROWSER, referer: REFERER } })
    expect(res.statusCode).toBe(302)
    return new URL(String(res.headers.location)).searchParams.get('subid')!
  }
  const postback = async (network: string, subid: string, q: Record<string, string>) => {
    const res = await app.inject({ url: `/aff/postback?${new URLSearchParams({ network, token, subid, ...q })}` })
    expect(`${res.statusCode} ${res.body}`).toBe('200 OK')
  }
  const entryOf = async (txnId: string) => t().db.walletEntry.findFirstOrThrow({ where: { txnId } })
  /** Posts a form of a page as a person would (its CSRF token), follows the 303 and gives the flash and the page. */
  const submit = async (session: ConsoleSession, page: string, action: string, form: Record<string, string>) => {
    const res = await session.submit(page, action, form)
    expect(res.statusCode, res.body).toBe(303)
    const landed = await session.get(String(res.headers.location))
    const flash = flashOf(landed.body)
    return { kind: flash?.[1], text: textOf(flash?.[2] ?? '').trim(), page: landed.body }
  }

  beforeAll(async () => {
    app = await buildTestApp(t())
    const network = await api('/networks', { slug: 'velonet', name: 'Vélo Network' })
    await api('/networks', { slug: 'othernet', name: 'Other Network' })
    token = network.postbackToken as string
    partnerId = (await api('/partners', { name: 'Inès Martin' })).id as number
    otherPartner = (await api('/partners', { name: 'Bruno Lefèvre' })).id as number
    const offer = await api('/offers', { network: 'velonet', name: 'Vélo électrique', url: 'https://adv.example/velo' })
    const assignment = await api('/assignments', { partnerId, offerId: offer.id, status: 'posted' })
    assignmentId = assignment.id as number
    clickSubid = await click(String(assignment.code))
    // A clean conversion, confirmed later by the network; a flagged one (unknown partner); one with an unknown click.
    await postback('velonet', clickSubid, { txn_id: 'TX-CLEAN', status: 'pending', amount: '12.34' })
    await postback('velonet', clickSubid, { txn_id: 'TX-CLEAN', status: 'approved' })
    await postback('velonet', `99999999:${assignmentId}:NOSUCHCLICKaaaaaaaaaaa`, {
      txn_id: 'TX-NOPARTNER',
      status: 'approved',
      amount: '3.00',
    })
    await postback('velonet', `${partnerId}:${assignmentId}:NOSUCHCLICKbbbbbbbbbbb`, {
      txn_id: 'TX-NOCLICK',
      status: 'pending',
      amount: '2.00',
    })
    for (const txn of ['TX-CLEAN', 'TX-NOPARTNER', 'TX-NOCLICK']) ids[txn] = (await entryOf(txn)).id
    ops = new ConsoleSession(app)
    await ops.login({ name: 'Olivia Ops', role: 'ops' })
    viewer = new ConsoleSession(app)
    await viewer.login({ name: 'Victor Viewer', role: 'viewer' })
  })
  afterAll(async () => app.close())

  describe('the list', () => {
    it('shows each conversion in French, linked to its detail', async () => {
      const res = await ops.get('/admin/conversions')
      expect(res.statusCode).toBe(200)
      expect(rowsOf(res.body)).toEqual([ids['TX-NOCLICK'], ids['TX-NOPARTNER'], ids['TX-CLEAN']])
      const text = textOf(res.body)
      expect(text).toContain('confirmée')
      expect(text).toContain('en attente')
      expect(text).toContain('partenaire inconnu')
      expect(text).toContain('clic inconnu')
      expect(text).toContain('€ 12,34')
      expect(text).toContain('Inès Martin')
      expect(res.body).toContain(`href="/admin/conversions/${ids['TX-CLEAN']}"`)
      expect(nextLinkOf(res.body)).toBeNull()
    })

    it('filters by status, flag, network, partner (number or name), period and txn id', async () => {
      const list = async (q: string) => {
        const res = await ops.get(`/admin/conversions?${q}`)
        expect(res.statusCode, textOf(res.body)).toBe(200)
        return rowsOf(res.body).sort((a, b) => a - b)
      }
      const sorted = (...txns: string[]) => txns.map((x) => ids[x]!).sort((a, b) => a - b)
      expect(await list('status=pending')).toEqual(sorted('TX-NOCLICK'))
      expect(await list('status=confirmed')).toEqual(sorted('TX-CLEAN', 'TX-NOPARTNER'))
      // The monitoring page's links: every flagged one, one flag, none.
      expect(await list('flag=any')).toEqual(sorted('TX-NOPARTNER', 'TX-NOCLICK'))
      expect(await list('flag=unknown_partner')).toEqual(sorted('TX-NOPARTNER'))
      expect(await list('flag=none')).toEqual(sorted('TX-CLEAN'))
      expect(await list('network=velonet')).toHaveLength(3)
      expect(await list('network=othernet')).toEqual([])
      expect(await list(`partner=${partnerId}`)).toEqual(sorted('TX-CLEAN', 'TX-NOCLICK'))
      expect(await list(`partner=${encodeURIComponent('inès')}`)).toEqual(sorted('TX-CLEAN', 'TX-NOCLICK'))
      expect(await list(`partner=${otherPartner}`)).toEqual([])
      const today = isoDay(new Date())
      const tomorrow = isoDay(new Date(Date.now() + DAY_MS))
      expect(await list(`from=${today}&to=${today}`)).toHaveLength(3)
      expect(await list(`from=${tomorrow}`)).toEqual([])
      expect(await list('txn=TX-NOCLICK')).toEqual(sorted('TX-NOCLICK'))
      expect(await list('txn=TX-NOCLICK&network=othernet')).toEqual([])
      expect(await list('txn=TX-NOCLICK&status=confirmed')).toEqual([])
      expect(await list('txn=NOPE')).toEqual([])
      // Filters combine.
      expect(await list(`status=pending&flag=any&partner=${partnerId}`)).toEqual(sorted('TX-NOCLICK'))
    })

    it('refuses a bad filter with a French message and keeps what was typed', async () => {
      for (const [q, message] of [
        ['status=declined', 'statut inconnu « declined »'],
        ['from=2026-02-30', 'date invalide « 2026-02-30 »'],
        ['from=2026-03-02&to=2026-03-01', 'période vide'],
        ['partner=Nobody%20Here', 'aucun partenaire ne correspond à « Nobody Here »'],
        ['cursor=garbage', 'lien de page invalide'],
      ] as const) {
        const res = await ops.get(`/admin/conversions?${q}`)
        expect(res.statusCode, q).toBe(400)
        expect(textOf(res.body), q).toContain(message)
        expect(rowsOf(res.body)).toEqual([])
      }
      const kept = await ops.get('/admin/conversions?partner=Nobody%20Here&txn=ABC')
      expect(kept.body).toContain('value="Nobody Here"')
      expect(kept.body).toContain('value="ABC"')
    })

    it('pages through a keyset cursor, 50 a page, keeping the filters in the link', async () => {
      for (let i = 0; i < 52; i++) await postback('velonet', clickSubid, { txn_id: `PAGE-${i}`, status: 'pending', amount: '1.00' })
      const first = await ops.get(`/admin/conversions?status=pending&partner=${partnerId}`)
      const page1 = rowsOf(first.body)
      expect(page1).toHaveLength(50)
      const next = nextLinkOf(first.body)!
      expect(next).toMatch(/^\/admin\/conversions\?/)
      const params = new URL(next, 'http://x').searchParams
      expect([params.get('status'), params.get('partner')]).toEqual(['pending', String(partnerId)])
      expect(params.get('cursor')).toBeTruthy()
      const second = await ops.get(next)
      const page2 = rowsOf(second.body)
      expect(textOf(second.body)).toContain('Première page')
      expect(nextLinkOf(second.body)).toBeNull()
      // 52 new pending ones plus TX-NOCLICK: each once, newest first across both pages.
      const all = [...page1, ...page2]
      expect(all).toHaveLength(53)
      expect(new Set(all).size).toBe(53)
      expect(all).toEqual([...all].sort((a, b) => b - a))
      expect(all.at(-1)).toBe(ids['TX-NOCLICK'])
    })
  })

  describe('the detail', () => {
    it('shows the entry, its history, its postbacks (token masked, linked) and its click', async () => {
      const res = await viewer.get(`/admin/conversions/${ids['TX-CLEAN']}`)
      expect(res.statusCode).toBe(200)
      const text = textOf(res.body)
      // What the network sent, written the French way too (never "12.34 EUR" beside "€ 12,34").
      for (const s of [
        'Conversion #',
        'confirmée',
        '€ 12,34',
        'reçu : € 12,34 au taux 1',
        'Inès Martin',
        'Vélo Network (velonet)',
        'TX-CLEAN',
      ])
        expect(text).toContain(s)
      // History: the network's words, from → to, the source.
      expect(text).toMatch(/en attente pending € 12,34 postback #\d+ \S+ \S+ en attente → confirmée approved postback #\d+/)
      const logs = await t().db.postbackLog.findMany({ where: { entryId: ids['TX-CLEAN'] }, orderBy: { id: 'asc' } })
      expect(logs).toHaveLength(2)
      for (const l of logs) expect(res.body).toContain(`href="/admin/postbacks/${l.id}"`)
      expect(res.body).toContain('txn_id=TX-CLEAN')
      expect(res.body).not.toContain(token)
      // The click: its id, the link, the partner, the browser, the referer, not a bot.
      const clickId = clickSubid.split(':')[2]!
      for (const s of [clickId, `lien #${assignmentId}`, 'Vélo électrique', BROWSER, REFERER, 'visiteur (pas un robot)'])
        expect(text).toContain(s)
      // A viewer sees no form.
      expect(res.body).not.toContain('<form method="post" action="/admin/conversions/')
    })

    it('says when the click is not in the log, and answers 404 for an unknown conversion', async () => {
      const res = await ops.get(`/admin/conversions/${ids['TX-NOCLICK']}`)
      expect(textOf(res.body)).toContain("NOSUCHCLICKbbbbbbbbbbb n'est pas dans le journal des clics")
      expect((await ops.get('/admin/conversions/99999999')).statusCode).toBe(404)
    })
  })

  describe('corrections', () => {
    const auditOf = (id: number) => t().db.auditLog.findMany({ where: { subject: `conversion:${id}` }, orderBy: { id: 'asc' } })

    it('changes the status as ops: the new status, a history line with who and why, an audit line', async () => {
      const id = ids['TX-NOCLICK']!
      const page = `/admin/conversions/${id}`
      const out = await submit(ops, page, `${page}/status`, { status: 'rejected', reason: 'fraude signalée par le réseau' })
      expect(out).toMatchObject({ kind: 'ok', text: `Conversion #${id} : statut passé de « en attente » à « rejetée ».` })
      const text = textOf(out.page)
      expect(/id="conversion-status">([^<]*)</.exec(out.page)?.[1]).toBe('rejetée')
      expect(text).toContain(`en attente → rejetée statut corrigé € 2,00 console ${ops.account!.email} fraude signalée par le réseau`)
      const audit = await auditOf(id)
      expect(audit.map((a) => [a.actor, a.action])).toEqual([[ops.account!.email, 'conversion.status']])
      expect((await entryOf('TX-NOCLICK')).status).toBe('rejected')
    })

    it('corrects the amount typed the French way', async () => {
      const id = ids['TX-CLEAN']!
      const page = `/admin/conversions/${id}`
      const out = await submit(ops, page, `${page}/amount`, { amount: '15,50', reason: 'montant corrigé par le réseau' })
      expect(out).toMatchObject({ kind: 'ok', text: `Conversion #${id} : montant corrigé de € 12,34 à € 15,50.` })
      expect((await entryOf('TX-CLEAN')).amountCents).toBe(1550)
      expect(textOf(out.page)).toContain(`montant corrigé € 15,50 console ${ops.account!.email} montant corrigé par le réseau`)
      const bad = await submit(ops, page, `${page}/amount`, { amount: '15,505', reason: 'typo' })
      expect(bad).toMatchObject({ kind: 'error', text: 'montant invalide (ex. 15,50)' })
      const same = await submit(ops, page, `${page}/amount`, { amount: '15,50', reason: 'again' })
      expect(same).toMatchObject({ kind: 'error', text: 'le montant est déjà de € 15,50 : rien à corriger' })
      expect((await auditOf(id)).map((a) => a.action)).toEqual(['conversion.amount'])
    })

    it('assigns an unattributed conversion to a partner chosen by name; a clean one has no such form', async () => {
      const id = ids['TX-NOPARTNER']!
      const page = `/admin/conversions/${id}`
      expect((await ops.get(page)).body).toContain('id="assign-partner"')
      const unknown = await submit(ops, page, `${page}/assign`, { partner: 'Personne', reason: 'sub-id mal saisi' })
      expect(unknown).toMatchObject({ kind: 'error', text: 'aucun partenaire ne correspond à « Personne »' })
      const out = await submit(ops, page, `${page}/assign`, { partner: 'bruno', reason: 'sub-id mal saisi par Bruno' })
      expect(out).toMatchObject({ kind: 'ok', text: `Conversion #${id} attribuée à Bruno Lefèvre (#${otherPartner}).` })
      const e = await entryOf('TX-NOPARTNER')
      expect([e.partnerId, e.flag]).toEqual([otherPartner, null])
      expect(textOf(out.page)).toContain(`attribuée au partenaire #${otherPartner}`)
      expect(textOf(out.page)).toContain('sub-id mal saisi par Bruno')
      expect(out.page).not.toContain('id="assign-partner"')
      expect((await auditOf(id)).map((a) => a.action)).toEqual(['conversion.assign'])
    })

    it('refuses an empty reason in French, writing nothing', async () => {
      const id = ids['TX-CLEAN']!
      const page = `/admin/conversions/${id}`
      const before = await t().db.walletEntryHistory.count({ where: { entryId: id } })
      const audits = (await auditOf(id)).length
      for (const [action, form] of [
        ['status', { status: 'reversed', reason: '   ' }],
        ['amount', { amount: '20,00', reason: '' }],
        ['assign', { partner: String(otherPartner), reason: '' }],
      ] as const) {
        const out = await submit(ops, page, `${page}/${action}`, form)
        expect(out, action).toMatchObject({ kind: 'error', text: 'motif obligatoire : indiquez pourquoi vous faites ce changement' })
      }
      const e = await entryOf('TX-CLEAN')
      expect([e.status, e.amountCents]).toEqual(['confirmed', 1550])
      expect(await t().db.walletEntryHistory.count({ where: { entryId: id } })).toBe(before)
      expect(await auditOf(id)).toHaveLength(audits)
      // The same status is refused in French too.
      const same = await submit(ops, page, `${page}/status`, { status: 'confirmed', reason: 'encore' })
      expect(same).toMatchObject({ kind: 'error', text: 'la conversion est déjà « confirmée » : rien à changer' })
      // A malformed id in the form's address: the message on the list, not an error page.
      const malformed = await submit(ops, page, '/admin/conversions/abc/status', { status: 'confirmed', reason: 'encore' })
      expect(malformed.kind).toBe('error')
      expect(malformed.page).toContain('<h1>Conversions</h1>')
    })

    it('refuses a viewer (403) and writes nothing', async () => {
      const id = ids['TX-CLEAN']!
      const csrf = await viewer.csrfToken()
      const before = await t().db.walletEntryHistory.count({ where: { entryId: id } })
      const audits = (await auditOf(id)).length
      for (const [action, form] of [
        ['status', { status: 'reversed', reason: 'viewer' }],
        ['amount', { amount: '1,00', reason: 'viewer' }],
        ['assign', { partner: String(otherPartner), reason: 'viewer' }],
      ] as const) {
        const res = await viewer.post(`/admin/conversions/${id}/${action}`, { _csrf: csrf, ...form })
        expect(res.statusCode, action).toBe(403)
      }
      const adjust = await viewer.post(`/admin/partners/${partnerId}/adjustments`, {
        _csrf: csrf,
        direction: 'credit',
        amount: '5,00',
        reason: 'viewer',
      })
      expect(adjust.statusCode).toBe(403)
      const e = await entryOf('TX-CLEAN')
      expect([e.status, e.amountCents]).toEqual(['confirmed', 1550])
      expect(await t().db.walletEntryHistory.count({ where: { entryId: id } })).toBe(before)
      expect(await auditOf(id)).toHaveLength(audits)
      expect(await t().db.walletEntry.count({ where: { type: 'adjustment' } })).toBe(0)
      const partnerPage = (await viewer.get(`/admin/partners/${partnerId}`)).body
      for (const form of ['book-adjustment', 'request-payout', 'set-hold', 'lift-hold']) expect(partnerPage).not.toContain(`id="${form}"`)
    })
  })

  describe('manual adjustments on the partner page', () => {
    const confirmedCents = async (id: number) => {
      const res = await app.inject({ url: `/admin/api/partners/${id}/balance`, headers: adminHeaders })
      return res.json<{ confirmedCents: number }>().confirmedCents
    }

    it('books a credit and a debit with their reason; the balance moves by their amounts', async () => {
      const page = `/admin/partners/${partnerId}`
      const before = await confirmedCents(partnerId)
      const credit = await submit(ops, page, `${page}/adjustments`, { direction: 'credit', amount: '25,00', reason: 'prime de lancement' })
      expect(credit.kind).toBe('ok')
      expect(credit.text).toMatch(/^Ajustement #\d+ de \+€ 25,00 enregistré/)
      const debit = await submit(ops, page, `${page}/adjustments`, { direction: 'debit', amount: '7,50', reason: 'frais bancaires' })
      expect(debit.text).toMatch(/^Ajustement #\d+ de −€ 7,50 enregistré/)
      expect(await confirmedCents(partnerId)).toBe(before + 2500 - 750)
      const audit = await t().db.auditLog.findMany({
        where: { subject: `partner:${partnerId}`, action: 'partner.adjustment' },
        orderBy: { id: 'asc' },
      })
      expect(audit.map((a) => [a.actor, JSON.parse(a.detail!).reason, JSON.parse(a.detail!).amountCents])).toEqual([
        [ops.account!.email, 'prime de lancement', 2500],
        [ops.account!.email, 'frais bancaires', -750],
      ])
    })

    it('refuses an empty reason, a zero or malformed amount, in French, booking nothing', async () => {
      const page = `/admin/partners/${partnerId}`
      const count = await t().db.walletEntry.count({ where: { type: 'adjustment' } })
      for (const [form, message] of [
        [{ direction: 'credit', amount: '10,00', reason: ' ' }, 'motif obligatoire : indiquez pourquoi vous faites ce changement'],
        [{ direction: 'credit', amount: '0,00', reason: 'rien' }, 'montant invalide (ex. 15,50)'],
        [{ direction: 'debit', amount: '-3', reason: 'signe' }, 'montant invalide (ex. 15,50)'],
        [{ direction: 'sideways', amount: '3,00', reason: 'sens' }, 'choisissez crédit (+) ou débit (−)'],
      ] as const) {
        const out = await submit(ops, page, `${page}/adjustments`, form)
        expect(out, JSON.stringify(form)).toMatchObject({ kind: 'error', text: message })
      }
      expect(await t().db.walletEntry.count({ where: { type: 'adjustment' } })).toBe(count)
    })
  })

  describe('under commission terms', () => {
    it("shows the network's revenue, the partner's earnings and their terms; the form corrects the revenue", async () => {
      const offer = await api('/offers', { network: 'velonet', name: 'Vélo cargo', url: 'https://adv.example/cargo' })
      const put = await app.inject({
        method: 'PUT',
        url: `/admin/api/offers/${String(offer.id)}/terms`,
        headers: adminHeaders,
        payload: { mode: 'revshare', value: 35 },
      })
      expect(put.statusCode, put.body).toBe(200)
      const link = await api('/assignments', { partnerId, offerId: offer.id, status: 'posted' })
      await postback('velonet', await click(String(link.code)), { txn_id: 'TX-TERMS', status: 'approved', amount: '20.00' })
      const id = (await entryOf('TX-TERMS')).id
      const page = textOf((await ops.get(`/admin/conversions/${id}`)).body)
      expect(page).toContain('Revenu (payé par le réseau) € 20,00')
      expect(page).toContain('Gain du partenaire : € 7,00 (partage de revenu 35 %)')
      const done = await submit(ops, `/admin/conversions/${id}`, `/admin/conversions/${id}/amount`, {
        amount: '30,00',
        reason: 'avoir du réseau',
      })
      expect(done.kind).toBe('ok')
      const e = await entryOf('TX-TERMS')
      expect([e.revenueCents, e.amountCents]).toEqual([3000, 1050])
    })
  })
})
