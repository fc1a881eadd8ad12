// Payouts and payout details from the portal, on both databases: a request under
// PAYOUT_MIN_CENTS, on hold or while money is owed is refused with its reason
// and writes nothing; details set by the partner are checked, shown masked,
// audited as the partner's, and the console's partner page shows the change.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest'
import { setHold } from '../../src/holds/holds.ts'
import { buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { PortalSession } from './portal-session.ts'

const DAY = 86_400_000

describeEachDatabase('portal payouts and payout details', (t) => {
  let app: FastifyInstance
  let partnerId = 0
  let s: PortalSession

  beforeAll(async () => {
    app = await buildTestApp(t(), { CPC_DAILY_CAP_CENTS: '2550' })
  })
  afterAll(async () => app.close())
  beforeEach(async () => {
    const { db } = t()
    partnerId = (await db.partner.create({ data: { name: 'Chloé' } })).id
    // € 100,00 confirmed 40 days ago: all of it available.
    await db.walletEntry.create({
      data: {
        partnerId,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 10_000,
        txnId: `c-${partnerId}`,
        createdAt: new Date(Date.now() - 40 * DAY),
      },
    })
    s = new PortalSession(app)
    await s.signInAs(app, partnerId)
  })

  /** Posts the payout form as the page gives it; the flash message of the page it goes back to. */
  const ask = async (amount: string) => {
    const res = await s.submit('/p/payouts', '/p/payouts', { amount })
    expect(res.statusCode).toBe(303)
    const page = await s.get(String(res.headers.location))
    return /class="flash flash--(ok|error)"[^>]*>([^<]*)</.exec(page.body)?.slice(1, 3).join(': ').replace(/\s/gu, ' ')
  }
  const payouts = () => t().db.payout.findMany({ where: { partnerId } })

  it('shows the partner the daily cap of click earnings (CPC_DAILY_CAP_CENTS)', async () => {
    const page = (await s.get('/p/links')).body
    const cap = /<p class="meta" id="cpc-cap">(.*?)<\/p>/s
      .exec(page)?.[1]
      ?.replace(/<[^>]+>/g, '')
      .replace(/\s/gu, ' ')
    expect(cap).toContain('dans la limite de € 25,50 par jour')
  })

  it('refuses a request under the minimum (€ 50,00 by default); takes one at the minimum', async () => {
    expect(await ask('49,99')).toBe('error: montant € 49,99 inférieur au minimum de € 50,00')
    expect(await payouts()).toEqual([])
    expect(await ask('abc')).toMatch(/^error: montant invalide/)
    expect(await ask('50')).toMatch(/^ok: Demande de paiement #\d+ enregistrée\.$/)
    const [p] = await payouts()
    expect(p).toMatchObject({ amountCents: 5_000, status: 'requested' })
    const audit = await t().db.auditLog.findFirstOrThrow({ where: { subject: `payout:${p!.id}` } })
    expect(audit).toMatchObject({ actor: `partner:${partnerId}`, action: 'payout.request' })
    expect((await s.get('/p/payouts')).body).toContain(`data-payout="${p!.id}"`)
  })

  it('refuses a request while the partner is on hold', async () => {
    await setHold({ database: t().database, actor: 'ops:test' }, partnerId, 'fraude suspectée')
    expect(await ask('60')).toMatch(/^error: partenaire #\d+ en hold \(fraude suspectée\) : demande de payout impossible$/)
    expect(await payouts()).toEqual([])
  })

  it('refuses a request while money is owed back (à récupérer)', async () => {
    // Paid € 100,00, then that conversion reversed; € 70,00 earned since: € 30,00 owed.
    const { db } = t()
    await db.walletEntry.create({
      data: { partnerId, type: 'payout', status: 'paid', amountCents: -10_000, createdAt: new Date(Date.now() - 35 * DAY) },
    })
    await db.walletEntry.updateMany({ where: { txnId: `c-${partnerId}` }, data: { status: 'reversed' } })
    await db.walletEntry.create({
      data: {
        partnerId,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 7_000,
        txnId: `n-${partnerId}`,
        createdAt: new Date(Date.now() - 32 * DAY),
      },
    })
    expect(await ask('60')).toMatch(/^error: partenaire #\d+ : € 30,00 à récupérer, aucun payout avant remboursement$/)
    expect(await payouts()).toEqual([])
  })

  it('details: a bad IBAN is refused and changes nothing; a good one is shown masked, audited and seen by ops', async () => {
    const bad = await s.submit('/p/details', '/p/details', {
      method: 'sepa',
      iban: 'FR7630006000011234567890188',
      bic: 'BNPAFRPP',
      holder: 'Chloe Martin',
    })
    expect(bad.statusCode).toBe(303)
    expect((await s.get('/p/details')).body).toMatch(/flash--error[^>]*>[^<]*IBAN/)
    expect((await t().db.partner.findUniqueOrThrow({ where: { id: partnerId } })).payoutIban).toBeNull()

    await s.submit('/p/details', '/p/details', {
      method: 'sepa',
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      bic: 'BNPAFRPP',
      holder: 'Chloe Martin',
    })
    const page = (await s.get('/p/details')).body
    expect(page).not.toContain('30006000011234567890189')
    const shown = /data-details>([^<]*)</.exec(page)?.[1] ?? ''
    expect(shown).toMatch(/^SEPA FR76 .*189 \(BNPAFRPP\), Chloe Martin$/)
    expect(shown).toContain('•')
    const row = await t().db.partner.findUniqueOrThrow({ where: { id: partnerId } })
    expect(row.payoutIban).toBe('FR7630006000011234567890189')
    const audit = await t().db.auditLog.findFirstOrThrow({ where: { subject: `partner:${partnerId}`, action: 'partner.payout_details' } })
    expect(audit.actor).toBe(`partner:${partnerId}`)
    expect(audit.detail).not.toContain('30006000011234567890189')

    const ops = new ConsoleSession(app)
    await ops.login({ role: 'ops', name: 'Ops' })
    const console = (await ops.get(`/admin/partners/${partnerId}`)).body
    expect(console).toMatch(
      new RegExp(`id="payout-details-change">Dernière modification le [^<]* par partner:${partnerId} : aucune → SEPA FR76`),
    )
  })
})
