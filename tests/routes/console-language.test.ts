// Issue 30 on both databases, as ops people met it: `/` leads to the console;
// refused input is told in French with the field's label (never "reference :
// obligatoire" or "status: Invalid option") while the JSON API keeps English;
// a hold is put by the partner's name; the holds journal lists the holds the
// page shows; refusals carry dd/mm/yyyy dates.
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

const DAY = 24 * 60 * 60 * 1000

/** The flash message of the page a form sent the browser back to. */
const flashOf = (html: string) => /class="flash flash--\w+"[^>]*>([^<]*)</.exec(html)?.[1] ?? ''

describeEachDatabase('console language and small things', (t, provider) => {
  let app: FastifyInstance
  let ids: { camille: number; camille2: number; leo: number }

  beforeAll(async () => {
    app = await buildTestApp(t())
  })
  afterAll(async () => app.close())

  beforeEach(async () => {
    const { db } = t()
    await truncateAll(db, provider)
    const camille = await db.partner.create({ data: { name: 'Camille Martin', email: 'camille@example.fr' } })
    const camille2 = await db.partner.create({ data: { name: 'Camille Petit', email: 'cpetit@example.fr' } })
    const leo = await db.partner.create({ data: { name: 'Léo Durand', email: 'leo@example.fr' } })
    ids = { camille: camille.id, camille2: camille2.id, leo: leo.id }
    await db.walletEntry.create({
      data: {
        partnerId: camille.id,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 50_000,
        txnId: 'c1',
        createdAt: new Date(Date.now() - 40 * DAY),
      },
    })
  })

  it('sends / to the console, and the console to the login form when signed out', async () => {
    const home = await app.inject({ url: '/' })
    expect(home.statusCode).toBe(303)
    expect(home.headers.location).toBe('/admin/monitoring')
    const monitoring = await app.inject({ url: '/admin/monitoring', headers: { accept: 'text/html' } })
    expect([302, 303]).toContain(monitoring.statusCode)
    expect(monitoring.headers.location).toMatch(/^\/login/)
  })

  it('words refused form input in French with the field label; the JSON API keeps field ids and English', async () => {
    const s = new ConsoleSession(app)
    await s.login('Inès')
    const p = await app.inject({
      method: 'POST',
      url: '/admin/api/payouts',
      headers: adminHeaders,
      payload: { partnerId: ids.camille, amountCents: 1_000 },
    })
    const payout = p.json<{ id: number }>().id
    await app.inject({ method: 'POST', url: `/admin/api/payouts/${payout}/approve`, headers: adminHeaders })

    await s.submit('/ops/payouts/pending', `/ops/payouts/${payout}/pay`, { reference: '   ' })
    expect(flashOf((await s.get('/ops/payouts/pending')).body)).toBe('Référence du virement : obligatoire')
    await s.submit('/ops/payouts/pending', `/ops/payouts/${payout}/reject`, { reason: 'x' })
    expect(flashOf((await s.get('/ops/payouts/pending')).body)).toBe('Motif : au moins 3 caractères')

    // A query the page's schema refuses: the error page, in French, without "status".
    const bad = await s.get('/admin/payouts?status=bogus&page=0')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('Statut : choix invalide ; Page : au moins 1')
    expect(bad.body).not.toMatch(/Invalid|status:/)

    // Text the database cannot store: refused before the form's action, in French on the page.
    const nul = await s.submit('/ops/holds', '/ops/holds', { partnerId: 'Léo', reason: 'motif\u0000caché' })
    expect(nul.statusCode).toBe(400)
    expect(nul.body).toContain('Texte refusé : le formulaire contient un caractère que nous ne pouvons pas enregistrer')
    expect(nul.body).not.toContain('text input refused')

    // The API: English, with the field's id.
    const api = await app.inject({
      method: 'POST',
      url: `/admin/api/payouts/${payout}/pay`,
      headers: adminHeaders,
      payload: { reference: '' },
    })
    expect(api.statusCode).toBe(400)
    expect(api.json<{ error: string }>().error).toMatch(/^reference: /)
  })

  it('puts a partner on hold by name; an ambiguous or unknown name is refused, never guessed', async () => {
    const s = new ConsoleSession(app)
    await s.login('Inès')
    const page = await s.get('/ops/holds')
    // The suggestions name every partner with their e-mail and number.
    expect(page.body).toContain(`<option value="Camille Martin — camille@example.fr (#${ids.camille})">`)

    await s.submit('/ops/holds', '/ops/holds', { partnerId: 'camille', reason: 'Pic de clics suspect' })
    const ambiguous = flashOf((await s.get('/ops/holds')).body)
    expect(ambiguous).toContain('plusieurs partenaires correspondent à « camille »')
    expect(ambiguous).toContain(`Camille Petit — cpetit@example.fr (#${ids.camille2})`)
    await s.submit('/ops/holds', '/ops/holds', { partnerId: 'Zoé', reason: 'Pic de clics suspect' })
    expect(flashOf((await s.get('/ops/holds')).body)).toBe('Partenaire : aucun partenaire ne correspond à « Zoé »')
    expect(await t().db.partnerFlag.count()).toBe(0)

    // Typed (part of a name, an e-mail) or picked from the suggestions.
    await s.submit('/ops/holds', '/ops/holds', { partnerId: 'léo dur', reason: 'Pic de clics suspect' })
    expect(flashOf((await s.get('/ops/holds')).body)).toBe(
      `Léo Durand (#${ids.leo}) mis en hold : plus aucun payout ne peut être approuvé ni payé.`,
    )
    await s.submit('/ops/holds', '/ops/holds', {
      partnerId: `Camille Petit — cpetit@example.fr (#${ids.camille2})`,
      reason: 'KYC manquant',
    })
    const holds = (await t().db.partnerFlag.findMany({ orderBy: { id: 'asc' } })).map((f) => [f.partnerId, f.reason])
    expect(holds).toEqual([
      [ids.leo, 'Pic de clics suspect'],
      [ids.camille2, 'KYC manquant'],
    ])

    // Holding them again: refused, with the date as the console writes dates.
    await s.submit('/ops/holds', '/ops/holds', { partnerId: 'leo@example.fr', reason: 'encore' })
    const again = flashOf((await s.get('/ops/holds')).body)
    expect(again).toMatch(/déjà en hold depuis le \d{2}\/\d{2}\/\d{4} \(Pic de clics suspect\)/)

    // ?partner=<id> (the partner page's link) fills the field with the suggestion's text.
    expect((await s.get(`/ops/holds?partner=${ids.camille}`)).body).toContain(
      `value="Camille Martin — camille@example.fr (#${ids.camille})"`,
    )
  })

  it('lists in the holds journal every hold the page shows, however it was set', async () => {
    const { db } = t()
    // A hold written without the console (as the demo data or an import would): no audit line.
    await db.partnerFlag.create({
      data: { partnerId: ids.camille, flag: 'hold', reason: 'Justificatif manquant', setBy: 'demo', setAt: new Date(Date.now() - 3 * DAY) },
    })
    await db.partnerFlag.create({
      data: {
        partnerId: ids.leo,
        flag: 'hold',
        reason: 'Vérification KYC',
        setBy: 'demo',
        setAt: new Date(Date.now() - 9 * DAY),
        clearedAt: new Date(Date.now() - 5 * DAY),
        clearedBy: 'ops@example.fr',
        clearReason: 'KYC validé',
      },
    })
    const s = new ConsoleSession(app)
    await s.login({ name: 'Lecteur', role: 'viewer' })
    const page = (await s.get('/ops/holds')).body
    expect(page).toContain(`data-hold-partner="${ids.camille}"`)
    expect(page).not.toContain('Aucun partenaire n&#39;a encore été mis en hold')
    const journal = page.slice(page.indexOf('Journal des holds'))
    const events = [...journal.matchAll(/data-hold-event="(\w+)">[\s\S]*?partners\/(\d+)/g)].map(([, action, partner]) => [
      action,
      Number(partner),
    ])
    expect(events).toEqual([
      ['set', ids.camille],
      ['lift', ids.leo],
      ['set', ids.leo],
    ])
    expect(journal).toContain('Justificatif manquant')
    expect(journal).toContain('KYC validé')
  })

  it("words the user journal, a network's own amounts and payout refusals in French", async () => {
    const s = new ConsoleSession(app)
    await s.login('Propriétaire')
    const made = await app.inject({
      method: 'POST',
      url: '/admin/api/users',
      headers: adminHeaders,
      payload: { email: 'nora@test.example', name: 'Nora', role: 'viewer', password: 'a long enough password' },
    })
    const nora = made.json<{ id: number }>().id
    await s.submit(`/admin/users/${nora}`, `/admin/users/${nora}/role`, { role: 'ops' })
    const userPage = (await s.get(`/admin/users/${nora}`)).body
    const journal = userPage.slice(userPage.indexOf('Journal du compte'))
    expect(journal).toContain('<td>rôle changé</td><td>lecture seule → ops</td>')
    expect(journal).toContain('<td>compte créé</td><td>nora@test.example, rôle lecture seule</td>')
    expect(journal).not.toMatch(/user\.(create|role)|\{"/)

    // What a network sent in its own currency: French punctuation, the code kept.
    await t().db.walletEntry.create({
      data: {
        partnerId: ids.leo,
        type: 'conversion',
        status: 'pending',
        amountCents: 1_426,
        originalAmount: '15.50',
        originalCurrency: 'USD',
        fxRate: '0.92',
        txnId: 'usd-1',
      },
    })
    const partnerPage = (await s.get(`/admin/partners/${ids.leo}`)).body
    expect(partnerPage).toContain('15,50\u00a0USD')
    expect(partnerPage).not.toContain('15.50')

    // A refusal about a payout's status names the status in French.
    const p = await app.inject({
      method: 'POST',
      url: '/admin/api/payouts',
      headers: adminHeaders,
      payload: { partnerId: ids.camille, amountCents: 1_000 },
    })
    const id = p.json<{ id: number }>().id
    await s.submit('/ops/payouts/pending', `/ops/payouts/${id}/pay`, { reference: 'VIR-1' })
    expect(flashOf((await s.get('/ops/payouts/pending')).body)).toBe(
      `payout #${id} demandé : paiement impossible (il faut qu&#39;il soit approuvé)`,
    )
  })
})
