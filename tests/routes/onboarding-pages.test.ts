// The onboarding pages over HTTP (inject), on both databases: networks (from a
// preset, settings, status words, field map, token shown once, test postback),
// offers (create, pause, resume), partners (create, edit) and links (create,
// filter, move the status; the partner page lists them). Ops act, each change
// audited with their email; a viewer sees no form and is refused with nothing
// written; bad input gets a French message without field ids, and nothing written.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

/** Text as a person reads it in the page (the entities Eta escapes, decoded). */
const text = (html: string) =>
  html
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/[\u00a0\u202f]/g, ' ')

const flashIn = (html: string) => {
  const m = /<div class="flash flash--(ok|error)"[^>]*>([^<]*)<\/div>/.exec(html)
  return m ? [m[1], text(m[2]!)] : null
}

describeEachDatabase('onboarding pages', (t) => {
  let app: FastifyInstance
  let ops: ConsoleSession
  let viewer: ConsoleSession

  beforeAll(async () => {
    app = await buildTestApp(t(), { PUBLIC_BASE_URL: 'https://track.example' })
    ops = new ConsoleSession(app)
    await ops.login({ name: 'Ops', role: 'ops' })
    viewer = new ConsoleSession(app)
    await viewer.login({ name: 'Lecteur', role: 'viewer' })
  })
  afterAll(async () => app.close())

  /** Posts a page's form as ops and reads the flash on the page it sends back to. */
  async function act(page: string, action: string, form: Record<string, string>) {
    const res = await ops.submit(page, action, form)
    expect(res.statusCode, res.body).toBe(303)
    return flashIn((await ops.get(res.headers.location as string)).body)
  }

  const auditOf = (action: string, subject: string) => t().db.auditLog.findMany({ where: { action, subject }, orderBy: { id: 'asc' } })

  let token = ''

  describe('networks', () => {
    it('creates a network from a preset: its page shows ops the postback URL with its macros, ready to paste', async () => {
      const res = await ops.submit('/admin/networks', '/admin/networks', {
        preset: 'tune',
        slug: 'tunenet',
        name: 'Tune Net',
        subidParam: '',
        defaultCurrency: '',
      })
      expect(res.statusCode).toBe(200)
      const row = await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })
      token = row.postbackToken!
      expect(row.subidParam).toBe('aff_sub')
      const url = /id="postback-url" value="([^"]+)"/.exec(res.body)![1]!
      expect(text(url)).toBe(
        `https://track.example/aff/postback?subid={aff_sub}&amount={payout}&status=approved&txn_id={transaction_id}&network=tunenet&token=${token}`,
      )
      expect(res.body).toContain(`<code id="postback-token">${token}</code>`)
      expect(text(res.body)).toContain('Réseau « Tune Net » créé (tunenet).')
      // Read again by ops: the same URL, whole and ready to paste; the new-token notice is gone.
      const again = await ops.get('/admin/networks/tunenet')
      expect(again.body).not.toContain('id="postback-token"')
      expect(text(again.body)).toContain(`network=tunenet&token=${token}`)
      expect((await auditOf('network.create', 'network:tunenet')).map((a) => a.actor)).toEqual([ops.account!.email])
      const list = await ops.get('/admin/networks')
      expect(list.body).toContain('data-network="tunenet"')
      expect(list.body).toContain('data-preset="partnerstack"')
    })

    it('refuses bad input in French, without field ids, and writes nothing', async () => {
      const cases: [Record<string, string>, string][] = [
        [{ preset: 'generic', slug: 'vide', name: ' ' }, 'Le nom est obligatoire.'],
        [
          { preset: 'generic', slug: 'Pas Bon!', name: 'X' },
          "L'identifiant n'est pas valide : lettres minuscules, chiffres, « - » ou « _ », 40 au plus, sans espace.",
        ],
        [{ preset: 'generic', slug: 'tunenet', name: 'Doublon' }, 'Le réseau « tunenet » existe déjà : choisissez un autre identifiant.'],
        [{ preset: 'generic', slug: 'devise', name: 'Devise', defaultCurrency: 'XYZ' }, 'La devise XYZ n'],
      ]
      for (const [form, message] of cases) {
        const flash = await act('/admin/networks', '/admin/networks', form)
        expect(flash?.[0]).toBe('error')
        expect(flash?.[1]).toContain(message)
        expect(flash?.[1]).not.toMatch(/\b(name|slug|defaultCurrency)\b/)
      }
      expect(await t().db.network.count()).toBe(1)
    })

    it('changes settings, status words and the field map; refused lines lose nothing', async () => {
      const page = '/admin/networks/tunenet'
      expect(
        await act(page, `${page}/settings`, {
          name: 'Tune Network',
          subidParam: 'aff_sub2',
          subidSeparator: '_',
          defaultCurrency: 'usd',
          decimalSeparator: '.',
          dedupeBy: 'txn',
          allowedIps: '',
        }),
      ).toEqual(['ok', 'Réglages de « Tune Network » enregistrés.'])
      const row = await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })
      expect([row.name, row.subidParam, row.subidSeparator, row.defaultCurrency, row.decimalSeparator]).toEqual([
        'Tune Network',
        'aff_sub2',
        '_',
        'USD',
        '.',
      ])
      expect(
        await act(page, `${page}/settings`, {
          name: 'X',
          subidParam: 'a',
          subidSeparator: ':',
          defaultCurrency: 'EUR',
          decimalSeparator: '',
          dedupeBy: 'txn',
          allowedIps: '10.0.0.300',
        }),
      ).toEqual(['error', "Adresses IP : « 10.0.0.300 » n'est ni une adresse IP ni une plage CIDR."])
      expect((await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })).name).toBe('Tune Network')

      expect(await act(page, `${page}/status-words`, { words: 'rebill = confirmed\nlead =' })).toEqual([
        'ok',
        'Mots de statut enregistrés (2 changements).',
      ])
      const words = (await ops.get(page)).body
      expect(words).toMatch(
        /data-word="rebill"><td><code>rebill<\/code><\/td><td><span class="badge badge--confirmed">confirmée<\/span><\/td><td>réseau<\/td>/,
      )
      expect(words).not.toContain('data-word="lead"')
      expect(words).toContain('data-word="pending"')
      expect(await act(page, `${page}/status-words`, { words: 'bonus = payé' })).toEqual([
        'error',
        'Ligne 1 : statut inconnu « payé » (pending, confirmed, rejected, reversed, ou rien pour retirer le mot).',
      ])

      expect(await act(page, `${page}/field-map`, { fieldMap: 'subid = clickref\namount = /data/amount' })).toEqual([
        'ok',
        'Correspondance des champs enregistrée.',
      ])
      expect(JSON.parse((await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })).fieldMap)).toEqual({
        subid: 'clickref',
        amount: '/data/amount',
      })
      expect(await act(page, `${page}/field-map`, { fieldMap: 'montant = x' })).toEqual([
        'error',
        "« montant » n'est pas un de nos champs (subid, txn_id, amount, currency, status, amountUnit).",
      ])
      expect(await act(page, `${page}/field-map`, { fieldMap: '' })).toEqual([
        'ok',
        'Correspondance retirée : les postbacks sont lus sous nos noms.',
      ])
      // Back to what the browser of the other tests expects.
      await act(page, `${page}/settings`, {
        name: 'Tune Net',
        subidParam: 'aff_sub',
        subidSeparator: ':',
        defaultCurrency: 'EUR',
        decimalSeparator: '',
        dedupeBy: 'txn',
        allowedIps: '',
      })
      const changes = await auditOf('network.update', 'network:tunenet')
      expect(changes.length).toBe(5)
      expect(changes.every((a) => a.actor === ops.account!.email)).toBe(true)
    })

    it('fires a test postback through the app: a pending TEST- conversion of no partner, then taken back', async () => {
      const page = '/admin/networks/tunenet'
      const flash = await act(page, `${page}/test`, {})
      expect(flash?.[0]).toBe('ok')
      expect(flash?.[1]).toMatch(
        /^Postback de test envoyé : réponse 200 OK\. Conversion de test TEST-\d{14}-[0-9a-f]{8} \(pending, € 1,00, signalée unknown_partner, non attribuée\)/,
      )
      const txnId = /TEST-\d{14}-[0-9a-f]{8}/.exec(flash![1]!)![0]
      const entry = await t().db.walletEntry.findFirstOrThrow({ where: { txnId } })
      expect([entry.status, entry.partnerId, entry.flag, entry.amountCents]).toEqual(['pending', null, 'unknown_partner', 100])
      expect((await ops.get(page)).body).toContain(`data-test-txn="${txnId}"`)
      expect(await act(page, `${page}/test/retire`, { txn: txnId })).toEqual([
        'ok',
        `Conversion de test ${txnId} passée en rejected : réponse 200 OK.`,
      ])
      expect((await t().db.walletEntry.findFirstOrThrow({ where: { txnId } })).status).toBe('rejected')
      // Only test conversions are taken back here.
      expect(await act(page, `${page}/test/retire`, { txn: 'REAL-1' })).toEqual([
        'error',
        'Seules les conversions de test (TEST-…) se retirent ici.',
      ])
      expect((await auditOf('network.test_postback', 'network:tunenet')).length).toBe(2)
    })

    it('rotates the token: the page shows the new URL, the old token is refused at /aff/postback', async () => {
      const page = '/admin/networks/tunenet'
      const res = await ops.submit(page, `${page}/token`, {})
      expect(res.statusCode).toBe(200)
      const fresh = /<code id="postback-token">([^<]+)<\/code>/.exec(res.body)![1]!
      expect(fresh).not.toBe(token)
      expect((await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })).postbackToken).toBe(fresh)
      const later = (await ops.get(page)).body
      expect(later).not.toContain('id="postback-token"')
      expect(text(later)).toContain(`token=${fresh}`)
      expect(later).not.toContain(`token=${token}`)
      const old = await app.inject({
        method: 'GET',
        url: `/aff/postback?network=tunenet&token=${token}&subid=1:1:x&txn_id=T1&amount=1&status=approved`,
      })
      expect(old.statusCode).toBe(403)
      token = fresh
    })
  })

  let offerId = 0
  let partnerId = 0

  it('creates an offer, pauses and resumes it; a bad URL is refused in French', async () => {
    expect(await act('/admin/offers', '/admin/offers', { network: 'tunenet', name: 'Box fibre', url: 'annonceur.example/box' })).toEqual([
      'error',
      "L'URL de l'annonceur doit être une adresse complète (https://…).",
    ])
    expect(await act('/admin/offers', '/admin/offers', { network: 'tunenet', name: '', url: 'https://a.example/' })).toEqual([
      'error',
      'Le nom est obligatoire.',
    ])
    expect(await t().db.offer.count()).toBe(0)
    const flash = await act('/admin/offers', '/admin/offers', {
      network: 'tunenet',
      name: 'Box fibre',
      url: 'https://annonceur.example/box?affid=CF1',
    })
    expect(flash?.[1]).toMatch(/^Offre « Box fibre » créée \(#\d+, réseau tunenet\)\.$/)
    offerId = (await t().db.offer.findFirstOrThrow({ where: { name: 'Box fibre' } })).id
    expect(await act('/admin/offers', `/admin/offers/${offerId}/pause`, {})).toEqual([
      'ok',
      'Offre « Box fibre » en pause : ses liens répondent 404.',
    ])
    expect((await ops.get('/admin/offers')).body).toMatch(new RegExp(`data-offer="${offerId}"[\\s\\S]*?en pause[\\s\\S]*?Reprendre`))
    expect(await act('/admin/offers', `/admin/offers/${offerId}/resume`, {})).toEqual([
      'ok',
      'Offre « Box fibre » reprise : ses liens redirigent de nouveau.',
    ])
    expect((await auditOf('offer.pause', `offer:${offerId}`)).map((a) => a.actor)).toEqual([ops.account!.email])
  })

  it('creates a partner and edits it; a bad e-mail is refused in French', async () => {
    const res = await ops.submit('/admin/partners', '/admin/partners', { name: 'Camille Blog', email: '' })
    expect(res.statusCode).toBe(303)
    partnerId = Number(/\/admin\/partners\/(\d+)$/.exec(res.headers.location as string)![1])
    expect(flashIn((await ops.get(`/admin/partners/${partnerId}`)).body)).toEqual([
      'ok',
      `Partenaire « Camille Blog » créé (#${partnerId}).`,
    ])
    const page = `/admin/partners/${partnerId}`
    expect(await act(page, `${page}/edit`, { name: 'Camille', email: 'pas-un-email' })).toEqual([
      'error',
      "L'e-mail n'est pas valide : une adresse comme nom@exemple.fr.",
    ])
    expect(await act(page, `${page}/edit`, { name: 'Camille', email: 'camille@blog.example' })).toEqual([
      'ok',
      'Partenaire « Camille » enregistré (camille@blog.example).',
    ])
    const row = await t().db.partner.findUniqueOrThrow({ where: { id: partnerId } })
    expect([row.name, row.email]).toEqual(['Camille', 'camille@blog.example'])
    expect((await auditOf('partner.update', `partner:${partnerId}`)).map((a) => JSON.parse(a.detail!))).toEqual([
      { changed: ['name', 'email'] },
    ])
  })

  it('creates a link by names, moves it along the pipeline, and the partner page lists it with its URL and clicks', async () => {
    const form = (await ops.get('/admin/assignments')).body
    expect(form).toContain(`<option value="${partnerId}">Camille (#${partnerId})</option>`)
    expect(form).toContain(`<option value="${offerId}">Box fibre — tunenet</option>`)
    expect(await act('/admin/assignments', '/admin/assignments', { partnerId: '', offerId: String(offerId), status: 'pending' })).toEqual([
      'error',
      'Choisissez un partenaire.',
    ])
    expect(
      await act('/admin/assignments', '/admin/assignments', {
        partnerId: String(partnerId),
        offerId: String(offerId),
        status: 'pending',
        content: 'x'.repeat(501),
      }),
    ).toEqual(['error', 'Le contenu est trop long (500 caractères au plus).'])
    expect(await t().db.assignment.count()).toBe(0)
    const flash = await act('/admin/assignments', '/admin/assignments', {
      partnerId: String(partnerId),
      offerId: String(offerId),
      status: 'pending',
      content: 'Article « Meilleure box 2026 » <b>',
    })
    const [, id, link] = /^Lien #(\d+) créé \(en attente\) : (\S+)$/.exec(flash![1]!)!
    const code = link!.split('/r/')[1]!
    expect(link).toBe(`https://track.example/r/${code}`)
    expect(await act('/admin/assignments', `/admin/assignments/${id}/status`, { status: 'posted' })).toEqual([
      'error',
      'Un lien ne peut pas passer de « en attente » à « publié ».',
    ])
    expect(await act('/admin/assignments', `/admin/assignments/${id}/status`, { status: 'approved' })).toEqual([
      'ok',
      `Lien #${id} : approuvé.`,
    ])
    expect(await act('/admin/assignments', `/admin/assignments/${id}/status`, { status: 'posted' })).toEqual([
      'ok',
      `Lien #${id} : publié.`,
    ])
    const click = await app.inject({ method: 'GET', url: `/r/${code}`, headers: { 'user-agent': 'Mozilla/5.0 (test)' } })
    expect(click.statusCode).toBe(302)
    expect(click.headers.location).toMatch(
      new RegExp(`^https://annonceur\\.example/box\\?affid=CF1&aff_sub=${partnerId}%3A${id}%3A[A-Za-z0-9]{22}$`),
    )
    const partnerPage = (await ops.get(`/admin/partners/${partnerId}`)).body
    const row = new RegExp(`data-link="${id}"[\\s\\S]*?</tr>`).exec(partnerPage)![0]
    expect(row).toContain(`value="${link}"`)
    expect(row).toContain('Box fibre')
    expect(row).toContain('Article « Meilleure box 2026 » &lt;b&gt;')
    expect(row).toContain('publié')
    expect(row).toMatch(/data-clicks>1</)
    // Filters: by status and partner.
    expect((await ops.get(`/admin/assignments?status=posted&partner=${partnerId}`)).body).toContain(`data-link="${id}"`)
    expect((await ops.get('/admin/assignments?status=failed')).body).not.toContain(`data-link="${id}"`)
    expect((await auditOf('assignment.status', `assignment:${id}`)).map((a) => a.actor)).toEqual([ops.account!.email, ops.account!.email])
  })

  it('shows a viewer every page without a form, and refuses its posts with nothing written', async () => {
    const counts = async () => [
      await t().db.network.count(),
      await t().db.offer.count(),
      await t().db.partner.count(),
      await t().db.assignment.count(),
      await t().db.auditLog.count(),
    ]
    const before = await counts()
    for (const [page, formId] of [
      ['/admin/networks', 'create-network'],
      ['/admin/networks/tunenet', 'network-settings'],
      ['/admin/networks/tunenet', 'test-postback'],
      ['/admin/offers', 'create-offer'],
      ['/admin/partners', 'create-partner'],
      [`/admin/partners/${partnerId}`, 'edit-partner'],
      ['/admin/assignments', 'create-link'],
    ] as const) {
      const res = await viewer.get(page)
      expect(res.statusCode, page).toBe(200)
      expect(res.body, page).not.toContain(`id="${formId}"`)
      expect(res.body, page).not.toContain(token)
      if (page === '/admin/networks/tunenet') expect(text(res.body), page).toContain(`token=••••${token.slice(-4)}`)
    }
    const csrf = await viewer.csrfToken()
    for (const [action, form] of [
      ['/admin/networks', { preset: 'generic', slug: 'lecteur', name: 'Lecteur' }],
      ['/admin/networks/tunenet/token', {}],
      ['/admin/networks/tunenet/test', {}],
      ['/admin/offers', { network: 'tunenet', name: 'X', url: 'https://x.example/' }],
      [`/admin/offers/${offerId}/pause`, {}],
      ['/admin/partners', { name: 'Lecteur' }],
      [`/admin/partners/${partnerId}/edit`, { name: 'Lecteur' }],
      ['/admin/assignments', { partnerId: String(partnerId), offerId: String(offerId) }],
    ] as const) {
      const res = await viewer.post(action, { _csrf: csrf, ...form })
      expect(res.statusCode, action).toBe(403)
    }
    expect(await counts()).toEqual(before)
    expect((await t().db.network.findUniqueOrThrow({ where: { slug: 'tunenet' } })).postbackToken).toBe(token)
    expect((await t().db.offer.findUniqueOrThrow({ where: { id: offerId } })).active).toBe(true)
  })

  it("serves the copy script from /assets, allowed by the pages' CSP", async () => {
    const js = await app.inject({ method: 'GET', url: '/assets/copy.js' })
    expect(js.statusCode).toBe(200)
    expect(js.headers['content-type']).toMatch(/^text\/javascript/)
    expect(js.body).toContain('data-copy')
    const page = await ops.get('/admin/assignments')
    expect(String(page.headers['content-security-policy'])).toContain("script-src 'self'")
    expect(page.body).toContain('<script src="/assets/copy.js" defer></script>')
  })
})
