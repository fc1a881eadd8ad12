// Payout details and payout rails through the app, on both databases: details set
// over the API (masked answers, English 400s, masked audit lines, nothing in full
// in the logs); the SEPA export refused while the debtor's configuration or a
// partner's details are missing; the pain.001 file read back by an independent
// strict reader and checked against the scheme's rules; the PayPal CSV in PayPal's
// documented columns; marking a batch paid pays each payout once (ledger entry,
// journal, audit), a second time nothing, and a payout whose partner went on hold
// is skipped and reported, then paid once the hold is lifted.
import { Writable } from 'node:stream'
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildApp } from '../../src/app.ts'
import { adminHeaders, buildTestApp, testConfig } from '../helpers/app.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { leaves, one, readXml, textAt } from './sepa-xml-reader.ts'

const DAY = 24 * 60 * 60 * 1000
const NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'
const SEPA_SET = /^[A-Za-z0-9/\-?:().,'+ ]*$/
const DEBTOR = {
  SEPA_DEBTOR_NAME: 'ContentFlow SAS',
  SEPA_DEBTOR_IBAN: 'FR14 2004 1010 0505 0001 3M02 606',
  SEPA_DEBTOR_BIC: 'PSSTFRPPPAR',
}

const IBANS = { ines: 'FR7630006000011234567890189', zoe: 'DE89370400440532013000', held: 'NL91ABNA0417164300' }

/** ISO 13616 mod-97 on big integers: independent of the code under test. */
const ibanOk = (iban: string) => {
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(iban)) return false
  const digits = (iban.slice(4) + iban.slice(0, 4)).replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55))
  return BigInt(digits) % 97n === 1n
}
const bicOk = (bic: string) => /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/.test(bic)
const decimalToCents = (s: string) => {
  expect(s).toMatch(/^\d{1,9}\.\d{2}$/)
  return Number(s.replace('.', ''))
}

describeEachDatabase('payout rails', (t) => {
  let app: FastifyInstance
  const logLines: string[] = []
  const partner: Record<string, number> = {}
  const payout: Record<string, number> = {}
  let sepaBatch = 0
  let paypalBatch = 0

  const call = (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) =>
    app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, ...(payload ? { payload } : {}) })
  const ok = async (method: 'GET' | 'POST' | 'PUT' | 'DELETE', url: string, payload?: object) => {
    const res = await call(method, url, payload)
    expect(res.statusCode, res.body).toBeLessThan(300)
    return res.json<Record<string, unknown>>()
  }
  const approved = async (partnerId: number, amountCents: number) => {
    const id = (await ok('POST', '/payouts', { partnerId, amountCents })).id as number
    await ok('POST', `/payouts/${id}/approve`)
    return id
  }
  const payoutEntries = (payoutId: number) => t().db.walletEntry.findMany({ where: { payoutId } })

  beforeAll(async () => {
    const stream = new Writable({ write: (chunk, _e, cb) => (logLines.push(String(chunk)), cb()) })
    app = await buildApp(testConfig(t(), { ...DEBTOR, LOG_LEVEL: 'debug' }), { database: t().database, logStream: stream })
    await app.ready()
    for (const name of ['Inès Martin', 'Zoë Ångström', 'Paul Durand', 'Held Partner', 'Sans RIB', 'Bloqué Sans-RIB']) {
      const id = (await ok('POST', '/partners', { name })).id as number
      partner[name.split(' ')[0]!.toLowerCase()] = id
      // € 1 000,00 confirmed 40 days ago: all of it available.
      await t().db.walletEntry.create({
        data: {
          partnerId: id,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 100_000,
          txnId: `seed-${id}`,
          createdAt: new Date(Date.now() - 40 * DAY),
        },
      })
    }
  })
  afterAll(async () => {
    await app?.close()
  })

  it('sets payout details over the API, answered masked; bad ones are a 400 with an English reason', async () => {
    const ines = await ok('PUT', `/partners/${partner.inès}/payout-details`, {
      method: 'sepa',
      iban: 'fr76 3000 6000 0112 3456 7890 189',
      bic: 'bnpafrpp',
      holder: 'Inès Martin',
    })
    expect(ines).toEqual({
      partnerId: partner.inès,
      method: 'sepa',
      iban: 'FR76 •••• •••• •••• •••• ••90 189',
      bic: 'BNPAFRPP',
      holder: 'Inès Martin',
    })
    await ok('PUT', `/partners/${partner.zoë}/payout-details`, {
      method: 'sepa',
      iban: IBANS.zoe,
      bic: 'DEUTDEFF500',
      holder: 'Zoë Ångström & Søn',
    })
    await ok('PUT', `/partners/${partner.held}/payout-details`, {
      method: 'sepa',
      iban: IBANS.held,
      bic: 'ABNANL2A',
      holder: 'Held Partner',
    })
    expect(await ok('PUT', `/partners/${partner.paul}/payout-details`, { method: 'paypal', email: 'Paul.Durand@example.com' })).toEqual({
      partnerId: partner.paul,
      method: 'paypal',
      email: 'p•••@example.com',
    })

    const bad = await call('PUT', `/partners/${partner.inès}/payout-details`, {
      method: 'sepa',
      iban: 'FR7630006000011234567890188',
      bic: 'BNPAFRPP',
      holder: 'X',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json()).toEqual({ error: 'invalid IBAN: wrong check digits' })
    const badBic = await call('PUT', `/partners/${partner.inès}/payout-details`, {
      method: 'sepa',
      iban: IBANS.ines,
      bic: 'BNPA',
      holder: 'X',
    })
    expect(badBic.json()).toEqual({ error: 'invalid BIC: 4 characters, a BIC has 8 or 11' })
    expect((await call('PUT', '/partners/999999/payout-details', { method: 'paypal', email: 'a@b.example' })).statusCode).toBe(404)
    // The refused change kept the details as they were.
    expect(await ok('GET', `/partners/${partner.inès}/payout-details`)).toMatchObject({
      method: 'sepa',
      iban: 'FR76 •••• •••• •••• •••• ••90 189',
    })

    const audit = await t().db.auditLog.findMany({ where: { action: 'partner.payout_details' }, orderBy: { id: 'asc' } })
    expect(audit).toHaveLength(4)
    expect(JSON.parse(audit[0]!.detail!)).toEqual({ from: 'aucune', to: 'SEPA FR76 •••• •••• •••• •••• ••90 189 (BNPAFRPP)' })
    expect(audit[0]!.actor).toBe('admin-api')
  })

  it('refuses a SEPA export while the debtor is not configured, writing nothing', async () => {
    payout.ines1 = await approved(partner.inès!, 12_345)
    payout.ines2 = await approved(partner.inès!, 1)
    payout.zoe = await approved(partner.zoë!, 25_000)
    payout.paul = await approved(partner.paul!, 8_010)
    payout.held = await approved(partner.held!, 5_000)
    await ok('POST', `/partners/${partner.held}/hold`, { reason: 'Fraude suspectée' })
    // On hold and without details: left out, it does not stop the others' export.
    payout.blocked = await approved(partner.bloqué!, 600)
    await ok('POST', `/partners/${partner.bloqué}/hold`, { reason: 'Documents manquants' })

    for (const [env, reason] of [
      [{}, 'SEPA_DEBTOR_NAME manquant ; SEPA_DEBTOR_IBAN manquant ; SEPA_DEBTOR_BIC manquant'],
      [
        { ...DEBTOR, SEPA_DEBTOR_IBAN: 'FR14 2004 1010 0505 0001 3M02 607' },
        'SEPA_DEBTOR_IBAN : IBAN invalide : clé de contrôle incorrecte',
      ],
      [{ ...DEBTOR, SEPA_DEBTOR_BIC: 'PSST' }, 'SEPA_DEBTOR_BIC : BIC invalide'],
    ] as const) {
      const other = await buildTestApp(t(), env)
      const res = await other.inject({ method: 'POST', url: '/admin/api/payout-batches', headers: adminHeaders, payload: { rail: 'sepa' } })
      await other.close()
      expect(res.statusCode).toBe(409)
      expect(res.json<{ error: string }>().error).toContain(reason)
    }
    expect(await t().db.payoutBatch.count()).toBe(0)
  })

  it('refuses a SEPA export while a partner has no valid SEPA details, naming who', async () => {
    payout.sansRib = await approved(partner.sans!, 700)
    const res = await call('POST', '/payout-batches', { rail: 'sepa' })
    expect(res.statusCode).toBe(409)
    expect(res.json()).toEqual({
      error: `export SEPA impossible : coordonnées SEPA manquantes ou invalides pour Sans RIB (#${partner.sans})`,
    })
    expect(await t().db.payoutBatch.count()).toBe(0)
    await ok('PUT', `/partners/${partner.sans}/payout-details`, { method: 'paypal', email: 'sans.rib@example.com' })
  })

  it('exports the approved payouts as a pain.001.001.03 file that meets the scheme rules', async () => {
    const res = await call('POST', '/payout-batches', { rail: 'sepa' })
    expect(res.statusCode, res.body).toBe(201)
    const batch = res.json<{
      id: number
      rail: string
      count: number
      controlSumCents: number
      leftOut: { payoutId: number; reason: string }[]
    }>()
    sepaBatch = batch.id
    expect(batch).toMatchObject({ rail: 'sepa', count: 3, controlSumCents: 12_345 + 1 + 25_000 })
    expect(batch.leftOut).toEqual([
      { payoutId: payout.held, partnerId: partner.held, reason: 'partenaire en hold (Fraude suspectée)' },
      { payoutId: payout.blocked, partnerId: partner.bloqué, reason: 'partenaire en hold (Documents manquants)' },
    ])

    const file = await call('GET', `/payout-batches/${sepaBatch}/file`)
    expect(file.statusCode).toBe(200)
    expect(file.headers['content-type']).toBe('application/xml; charset=utf-8')
    expect(file.headers['content-disposition']).toMatch(/^attachment; filename="CF-SEPA-\d{8}-\d{6}\.xml"$/)
    const doc = readXml(file.body)
    expect(doc.name).toBe('Document')
    expect(doc.attrs.xmlns).toBe(NAMESPACE)
    const root = one(doc, 'CstmrCdtTrfInitn')
    expect(root.children.map((c) => c.name)).toEqual(['GrpHdr', 'PmtInf'])
    const hdr = one(root, 'GrpHdr')
    expect(hdr.children.map((c) => c.name)).toEqual(['MsgId', 'CreDtTm', 'NbOfTxs', 'CtrlSum', 'InitgPty'])
    const pmt = one(root, 'PmtInf')
    const txs = pmt.children.filter((c) => c.name === 'CdtTrfTxInf')
    expect(pmt.children.map((c) => c.name)).toEqual([
      'PmtInfId', 'PmtMtd', 'BtchBookg', 'NbOfTxs', 'CtrlSum', 'PmtTpInf', 'ReqdExctnDt', 'Dbtr', 'DbtrAcct', 'DbtrAgt', 'ChrgBr',
      ...txs.map(() => 'CdtTrfTxInf'),
    ]) // prettier-ignore

    // Counts and sums equal the approved payouts of SEPA partners not on hold, to the cent.
    const expected = [payout.ines1, payout.ines2, payout.zoe].map(Number)
    const rows = await t().db.payout.findMany({ where: { id: { in: expected } } })
    const sum = rows.reduce((s, p) => s + p.amountCents, 0)
    expect(rows.every((p) => p.status === 'approved')).toBe(true)
    expect(txs).toHaveLength(expected.length)
    expect(Number(textAt(hdr, 'NbOfTxs'))).toBe(expected.length)
    expect(Number(textAt(pmt, 'NbOfTxs'))).toBe(expected.length)
    expect(decimalToCents(textAt(hdr, 'CtrlSum'))).toBe(sum)
    expect(decimalToCents(textAt(pmt, 'CtrlSum'))).toBe(sum)
    expect(txs.reduce((s, tx) => s + decimalToCents(textAt(tx, 'Amt/InstdAmt')), 0)).toBe(sum)

    // The scheme's fixed values.
    expect(textAt(pmt, 'PmtMtd')).toBe('TRF')
    expect(textAt(pmt, 'BtchBookg')).toBe('true')
    expect(textAt(pmt, 'PmtTpInf/SvcLvl/Cd')).toBe('SEPA')
    expect(textAt(pmt, 'ChrgBr')).toBe('SLEV')
    expect(textAt(pmt, 'ReqdExctnDt')).toMatch(/^\d{4}-\d{2}-\d{2}$/)
    expect(textAt(hdr, 'CreDtTm')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}$/)
    expect(textAt(hdr, 'InitgPty/Nm')).toBe('ContentFlow SAS')
    expect(textAt(pmt, 'Dbtr/Nm')).toBe('ContentFlow SAS')
    expect(textAt(pmt, 'DbtrAcct/Id/IBAN')).toBe('FR1420041010050500013M02606')
    expect(textAt(pmt, 'DbtrAgt/FinInstnId/BIC')).toBe('PSSTFRPPPAR')

    // Each transfer: our payout reference, EUR with 2 decimals within the bounds, valid IBAN and BIC.
    const byE2e = new Map(rows.map((p) => [`CF-PAYOUT-${p.id}`, p]))
    for (const tx of txs) {
      expect(tx.children.map((c) => c.name)).toEqual(['PmtId', 'Amt', 'CdtrAgt', 'Cdtr', 'CdtrAcct', 'RmtInf'])
      const p = byE2e.get(textAt(tx, 'PmtId/EndToEndId'))!
      expect(p).toBeDefined()
      const amount = one(tx, 'Amt/InstdAmt')
      expect(amount.attrs).toEqual({ Ccy: 'EUR' })
      const cents = decimalToCents(amount.text)
      expect(cents).toBe(p.amountCents)
      expect(cents).toBeGreaterThanOrEqual(1)
      expect(cents).toBeLessThanOrEqual(99_999_999_999)
      expect(ibanOk(textAt(tx, 'CdtrAcct/Id/IBAN'))).toBe(true)
      expect(bicOk(textAt(tx, 'CdtrAgt/FinInstnId/BIC'))).toBe(true)
    }
    expect(txs.map((tx) => textAt(tx, 'Cdtr/Nm')).sort()).toEqual(['Ines Martin', 'Ines Martin', 'Zoe Angstrom + Son'])
    expect(txs.find((tx) => textAt(tx, 'PmtId/EndToEndId') === `CF-PAYOUT-${payout.ines2}`)!.children[1]!.children[0]!.text).toBe('0.01')
    expect(ibanOk(textAt(pmt, 'DbtrAcct/Id/IBAN'))).toBe(true)
    expect(bicOk(textAt(pmt, 'DbtrAgt/FinInstnId/BIC'))).toBe(true)

    // Character set, lengths, identifiers unique and well formed.
    for (const leaf of leaves(doc)) expect(leaf.text, leaf.path).toMatch(SEPA_SET)
    for (const leaf of leaves(doc)) {
      if (leaf.path.endsWith('/Nm')) expect(leaf.text.length, leaf.path).toBeLessThanOrEqual(70)
      if (leaf.path.endsWith('/Ustrd')) expect(leaf.text.length, leaf.path).toBeLessThanOrEqual(140)
    }
    const ids = [textAt(hdr, 'MsgId'), textAt(pmt, 'PmtInfId'), ...txs.map((tx) => textAt(tx, 'PmtId/EndToEndId'))]
    expect(new Set(ids).size).toBe(ids.length)
    for (const id of ids) {
      expect(id.length).toBeGreaterThan(0)
      expect(id.length).toBeLessThanOrEqual(35)
      expect(id).not.toMatch(/^\/|\/$|\/\//)
    }

    // Kept as exported: the same bytes again; and no second file pays the same payouts.
    expect((await call('GET', `/payout-batches/${sepaBatch}/file`)).body).toBe(file.body)
    const again = await call('POST', '/payout-batches', { rail: 'sepa' })
    expect(again.statusCode).toBe(409)
    expect(again.json<{ error: string }>().error).toMatch(
      /^aucun payout approuvé à exporter en SEPA \(pain\.001\) \(2 écarté\(s\) : #\d+ partenaire en hold/,
    )
    expect(await t().db.payoutBatch.count()).toBe(1)
  })

  it("exports the PayPal partners' payouts in PayPal's Payouts Web columns", async () => {
    const res = await call('POST', '/payout-batches', { rail: 'paypal' })
    expect(res.statusCode, res.body).toBe(201)
    const batch = res.json<{ id: number; count: number; controlSumCents: number }>()
    paypalBatch = batch.id
    expect(batch).toMatchObject({ rail: 'paypal', count: 2, controlSumCents: 8_010 + 700 })
    const file = await call('GET', `/payout-batches/${paypalBatch}/file`)
    expect(file.headers['content-type']).toBe('text/csv; charset=utf-8')
    const reference = /filename="(CF-PAYPAL-\d{8}-\d{6})\.csv"/.exec(String(file.headers['content-disposition']))![1]
    // No header row: recipient, amount, currency, customer ID, note, wallet.
    expect(file.body).toBe(
      `paul.durand@example.com,"80,10",EUR,CF-PAYOUT-${payout.paul},"Paiement ContentFlow, payout #${payout.paul} (lot ${reference})",PAYPAL\r\n` +
        `sans.rib@example.com,"7,00",EUR,CF-PAYOUT-${payout.sansRib},"Paiement ContentFlow, payout #${payout.sansRib} (lot ${reference})",PAYPAL\r\n`,
    )
    for (const line of file.body.trimEnd().split('\r\n')) {
      const cells = line.match(/("([^"]|"")*"|[^,]*)(,|$)/g)!.filter((c) => c !== '')
      expect(cells).toHaveLength(6)
      expect(cells[3]!.replace(/,$/, '')).toMatch(/^\S{1,30}$/)
    }
  })

  it('marks a batch paid: each payout once, a second time nothing; a payout on hold is skipped, reported, then paid', async () => {
    await ok('POST', `/partners/${partner.zoë}/hold`, { reason: 'Contrôle KYC' })
    const first = await ok('POST', `/payout-batches/${sepaBatch}/paid`, { reference: 'VIR-20261207' })
    expect(first.paid).toEqual([
      { payoutId: payout.ines1, reference: `VIR-20261207/CF-PAYOUT-${payout.ines1}` },
      { payoutId: payout.ines2, reference: `VIR-20261207/CF-PAYOUT-${payout.ines2}` },
    ])
    expect(first.alreadyPaid).toEqual([])
    expect(first.skipped).toEqual([
      { payoutId: payout.zoe, partnerId: partner.zoë, reason: `partenaire #${partner.zoë} en hold (Contrôle KYC) : paiement impossible` },
    ])
    for (const [id, cents] of [
      [payout.ines1!, 12_345],
      [payout.ines2!, 1],
    ] as const) {
      const entries = await payoutEntries(id)
      expect(entries).toHaveLength(1)
      expect(entries[0]).toMatchObject({ type: 'payout', status: 'paid', amountCents: -cents, partnerId: partner.inès })
      expect(await t().db.payout.findUniqueOrThrow({ where: { id } })).toMatchObject({
        status: 'paid',
        reference: `VIR-20261207/CF-PAYOUT-${id}`,
      })
    }
    expect(await payoutEntries(payout.zoe!)).toHaveLength(0)
    expect((await t().db.payout.findUniqueOrThrow({ where: { id: payout.zoe } })).status).toBe('approved')
    const view = await ok('GET', `/payout-batches/${sepaBatch}`)
    expect(view).toMatchObject({ count: 3, paidCount: 2, settled: false, skipped: [{ payoutId: payout.zoe }] })
    // The journal shows them as a single "marquer payé" would.
    const journal = await ok('GET', `/payouts?partner=${partner.inès}&status=paid`)
    expect((journal.payouts as { id: number }[]).map((p) => p.id).sort()).toEqual([payout.ines1, payout.ines2].sort())

    const entriesBefore = await t().db.walletEntry.count({ where: { type: 'payout' } })
    const auditsBefore = await t().db.auditLog.count({ where: { action: 'payout.pay' } })
    const second = await ok('POST', `/payout-batches/${sepaBatch}/paid`, { reference: 'VIR-20261207' })
    expect(second).toMatchObject({ paid: [], alreadyPaid: [payout.ines1, payout.ines2], skipped: [{ payoutId: payout.zoe }] })
    expect(await t().db.walletEntry.count({ where: { type: 'payout' } })).toBe(entriesBefore)
    expect(await t().db.auditLog.count({ where: { action: 'payout.pay' } })).toBe(auditsBefore)

    await ok('DELETE', `/partners/${partner.zoë}/hold?reason=${encodeURIComponent('KYC reçu')}`)
    const third = await ok('POST', `/payout-batches/${sepaBatch}/paid`, { reference: 'VIR-20261207' })
    expect(third).toMatchObject({ paid: [{ payoutId: payout.zoe }], skipped: [] })
    expect(await payoutEntries(payout.zoe!)).toHaveLength(1)
    expect(await ok('GET', `/payout-batches/${sepaBatch}`)).toMatchObject({
      paidCount: 3,
      settled: true,
      skipped: [],
      paidReference: 'VIR-20261207',
    })
    const fourth = await ok('POST', `/payout-batches/${sepaBatch}/paid`, { reference: 'VIR-20261207' })
    expect(fourth).toMatchObject({ paid: [], skipped: [] })
    expect(await t().db.walletEntry.count({ where: { type: 'payout' } })).toBe(entriesBefore + 1)

    const badRef = await call('POST', `/payout-batches/${paypalBatch}/paid`, { reference: '' })
    expect(badRef.statusCode).toBe(400)
    expect((await call('POST', '/payout-batches/999999/paid', { reference: 'X' })).statusCode).toBe(404)
  })

  it('puts a payout in one file only when two exports run at once', async () => {
    const id = await approved(partner.inès!, 2_000)
    const answers = await Promise.all([
      call('POST', '/payout-batches', { rail: 'sepa' }),
      call('POST', '/payout-batches', { rail: 'sepa' }),
    ])
    expect(answers.map((a) => a.statusCode).sort()).toEqual([201, 409])
    expect(await t().db.payoutBatchItem.count({ where: { payoutId: id } })).toBe(1)
    const made = answers.find((a) => a.statusCode === 201)!.json<{ count: number; controlSumCents: number }>()
    expect(made).toMatchObject({ count: 1, controlSumCents: 2_000 })
  })

  it('never writes a full IBAN or PayPal email to the audit log or the logs', async () => {
    const audit = (await t().db.auditLog.findMany()).map((a) => `${a.subject} ${a.detail ?? ''}`).join('\n')
    const logs = logLines.join('\n')
    expect(logs).toContain('request refused')
    for (const secret of [
      ...Object.values(IBANS),
      '7630006000011234567890188',
      '3000 6000 0112',
      'paul.durand@example.com',
      'Paul.Durand@example.com',
    ]) {
      expect(audit).not.toContain(secret)
      expect(logs).not.toContain(secret)
    }
  })
})
