// The payout rails in the console, on both databases, as ops and viewers see
// them: the partner page shows the payout details masked with their last change
// and refuses a bad IBAN in French, losing nothing; the payouts page exports the
// approved payouts ("Exporter SEPA (pain.001)", "Exporter PayPal (CSV)"), lists
// the batch and marks it paid; a viewer sees the page but cannot export, download
// or mark paid (403, nothing written).
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000
const IBAN = 'FR7630006000011234567890189'
const DEBTOR = { SEPA_DEBTOR_NAME: 'ContentFlow SAS', SEPA_DEBTOR_IBAN: 'FR1420041010050500013M02606', SEPA_DEBTOR_BIC: 'PSSTFRPPPAR' }

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

describeEachDatabase('payout rails in the console', (t) => {
  let app: FastifyInstance
  let ops: ConsoleSession
  let viewer: ConsoleSession
  let partnerId = 0
  let payoutId = 0

  const api = async (method: 'POST' | 'PUT', url: string, payload?: object) => {
    const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, ...(payload ? { payload } : {}) })
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const submit = async (session: ConsoleSession, page: string, action: string, form: Record<string, string>) => {
    const res = await session.submit(page, action, form)
    expect(res.statusCode, res.body).toBe(303)
    const landed = await session.get(String(res.headers.location))
    const flash = flashOf(landed.body)
    return { kind: flash?.[1], text: textOf(flash?.[2] ?? '').trim(), page: landed.body }
  }

  beforeAll(async () => {
    app = await buildTestApp(t(), DEBTOR)
    ops = new ConsoleSession(app)
    await ops.login({ name: 'Olivia Ops', role: 'ops' })
    viewer = new ConsoleSession(app)
    await viewer.login({ name: 'Victor Lecteur', role: 'viewer' })
    partnerId = (await api('POST', '/partners', { name: 'Inès Martin' })).id as number
    await t().db.walletEntry.create({
      data: {
        partnerId,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 50_000,
        txnId: 'seed',
        createdAt: new Date(Date.now() - 40 * DAY),
      },
    })
    payoutId = (await api('POST', '/payouts', { partnerId, amountCents: 12_345 })).id as number
    await api('POST', `/payouts/${payoutId}/approve`)
  })
  afterAll(async () => {
    await app?.close()
  })

  it('sets the payout details from the partner page, shown masked with their last change; a bad IBAN is refused in French', async () => {
    const page = `/admin/partners/${partnerId}`
    const before = await ops.get(page)
    expect(textOf(before.body)).toContain('Aucune coordonnée de paiement')
    const refused = await submit(ops, page, `${page}/payout-details`, {
      method: 'sepa',
      iban: 'FR76 3000 6000 0112 3456 7890 188',
      bic: 'BNPAFRPP',
      holder: 'Inès Martin',
    })
    expect(refused).toMatchObject({ kind: 'error', text: 'IBAN invalide : clé de contrôle incorrecte' })
    expect(await t().db.partner.findUniqueOrThrow({ where: { id: partnerId }, select: { payoutIban: true } })).toEqual({ payoutIban: null })

    const saved = await submit(ops, page, `${page}/payout-details`, {
      method: 'sepa',
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      bic: 'bnpafrpp',
      holder: 'Inès Martin',
    })
    expect(saved).toMatchObject({
      kind: 'ok',
      text: 'Coordonnées de paiement enregistrées : SEPA FR76 •••• •••• •••• •••• ••90 189 (BNPAFRPP).',
    })
    const text = textOf(saved.page)
    expect(text).toContain('Virement SEPA · FR76 •••• •••• •••• •••• ••90 189 · BIC BNPAFRPP · titulaire Inès Martin')
    expect(text).toMatch(
      /Dernière modification le \d{2}\/\d{2}\/\d{4} \d{2}:\d{2}.* par olivia-ops\.\S+ : aucune → SEPA FR76 •••• •••• •••• •••• ••90 189 \(BNPAFRPP\)/,
    )
    for (const full of [IBAN, 'FR76 3000 6000 0112 3456 7890 189', '3000 6000 0112']) expect(saved.page).not.toContain(full)

    // A viewer sees the masked details and no form.
    const seen = await viewer.get(page)
    expect(textOf(seen.body)).toContain('FR76 •••• •••• •••• •••• ••90 189')
    expect(seen.body).not.toContain('id="set-payout-sepa"')
    expect(seen.body).not.toContain(IBAN)
  })

  it('exports, downloads and marks a batch paid from the payouts page; a viewer can do none of it', async () => {
    const queue = '/ops/payouts/pending'
    const viewerPage = await viewer.get(queue)
    expect(viewerPage.statusCode).toBe(200)
    expect(viewerPage.body).not.toContain('Exporter SEPA (pain.001)')
    const csrf = ConsoleSession.csrfOf(viewerPage.body)
    expect((await viewer.post('/ops/payouts/batches', { _csrf: csrf, rail: 'sepa' })).statusCode).toBe(403)
    expect(await t().db.payoutBatch.count()).toBe(0)

    const opsPage = await ops.get(queue)
    expect(textOf(opsPage.body)).toContain('Exporter SEPA (pain.001)')
    expect(textOf(opsPage.body)).toContain('Exporter PayPal (CSV)')
    const none = await submit(ops, queue, '/ops/payouts/batches', { rail: 'paypal' })
    expect(none).toMatchObject({ kind: 'error', text: 'aucun payout approuvé à exporter en PayPal (CSV)' })

    const exported = await submit(ops, queue, '/ops/payouts/batches', { rail: 'sepa' })
    expect(exported.kind).toBe('ok')
    expect(exported.text).toMatch(/^Lot CF-SEPA-\d{8}-\d{6} exporté \(SEPA \(pain\.001\)\) : 1 payout\(s\), € 123,45\./)
    const batch = await t().db.payoutBatch.findFirstOrThrow()
    const row = new RegExp(`<tr data-batch="${batch.id}">[\\s\\S]*?</tr>`).exec(exported.page)![0]
    expect(textOf(row)).toContain(batch.reference)
    expect(textOf(row)).toContain('€ 123,45')
    expect(textOf(row)).toContain('0 / 1 payé(s)')
    expect(row).toContain('Marquer le lot payé')
    expect(textOf(exported.page)).toContain(`Dans le lot ${batch.reference}`)

    const file = await ops.get(`/ops/payouts/batches/${batch.id}/file`)
    expect(file.statusCode).toBe(200)
    expect(file.body).toContain(`<IBAN>${IBAN}</IBAN>`)
    expect((await viewer.get(`/ops/payouts/batches/${batch.id}/file`)).statusCode).toBe(403)
    expect((await viewer.post(`/ops/payouts/batches/${batch.id}/paid`, { _csrf: csrf, reference: 'VIR-1' })).statusCode).toBe(403)
    expect(await t().db.walletEntry.count({ where: { type: 'payout' } })).toBe(0)

    const paid = await submit(ops, queue, `/ops/payouts/batches/${batch.id}/paid`, { reference: 'VIR-1' })
    expect(paid).toMatchObject({ kind: 'ok', text: `Lot #${batch.id} : 1 payout(s) payé(s).` })
    expect(await t().db.payout.findUniqueOrThrow({ where: { id: payoutId } })).toMatchObject({
      status: 'paid',
      reference: `VIR-1/CF-PAYOUT-${payoutId}`,
    })
    const paidRow = new RegExp(`<tr data-batch="${batch.id}">[\\s\\S]*?</tr>`).exec(paid.page)![0]
    expect(textOf(paidRow)).toContain('payé')
    expect(paidRow).not.toContain('Marquer le lot payé')
    expect(await t().db.walletEntry.count({ where: { type: 'payout' } })).toBe(1)
  })
})
