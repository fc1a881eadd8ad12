// The held-out bar of issue 29, on both databases: random (fast-check, seeded)
// scenarios of the money operations — postbacks, payouts requested, approved,
// rejected and paid, reversals after payouts, console corrections of status and
// amount, assignments of unattributed conversions, manual adjustments (+/−), a
// CSV import, and time passing — run through the real app, then checked to the
// cent against a ledger model written here from DESIGN.md alone:
//   - each partner's confirmed, reserved, paid, available and à récupérer,
//   - the dashboard's global figures (the sketch's definitions) and non attribué,
//   - the identity Σ available − Σ à récupérer + non attribué = confirmed −
//     reserved − paid (adjustments confirmed, never reserved), up to one cent of
//     reserve rounding per partner,
//   - every payout accepted or refused as the model says (nothing paid while owed),
//   - and the per-partner daily rollup equal to the raw entries.
import { expect, it } from 'vitest'
import fc from 'fast-check'
import type { FastifyInstance } from 'fastify'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { adminHeaders, buildTestApp } from '../helpers/app.ts'
import { summary } from '../../src/analytics/summary.ts'
import { ledgerBalance } from '../../src/ledger/balances.ts'
import { conversionFiguresByDay, everyPartnerBalance, globalNetCents, ledgerRecoveries } from '../../src/ledger/rollups.ts'
import { foldLedgerDeltas } from '../../src/ledger/ledger-daily.ts'
import { adjustPartner, assignConversion, correctAmount, correctStatus } from '../../src/ledger/corrections.ts'
import { approvePayout, payPayout, rejectPayout, requestPayout, type PayoutContext } from '../../src/payouts/payouts.ts'
import { Refused } from '../../src/errors.ts'

const DAY = 24 * 60 * 60 * 1000
const RESERVE_PCT = 0.3
const RELEASE_DAYS = 30
const rules = { reservePct: RESERVE_PCT, releaseDays: RELEASE_DAYS }
const BROWSER = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'
const PARTNERS = 4
const STATUSES = ['pending', 'confirmed', 'rejected', 'reversed'] as const
type Status = (typeof STATUSES)[number]

// ——— The model: DESIGN.md "Money and time", "Metric definitions", "Postback contract" ———

interface ModelConversion {
  txnId: string
  /** The sub-id the network echoes on every report of it. */
  subid: string
  /** Index in the scenario's partners; null: a partner the ledger does not know. */
  partner: number | null
  status: Status
  cents: number
  createdAt: number
}

interface ModelPayout {
  id: number
  partner: number
  cents: number
  status: 'requested' | 'approved' | 'paid' | 'rejected'
}

class Model {
  conversions: ModelConversion[] = []
  adjustments: { partner: number; cents: number }[] = []
  payouts: ModelPayout[] = []

  /** A share of cents, half up on the cent ("rounding … is half-up on the cent, once"). */
  static reserveOf(cents: number): number {
    return Math.floor((cents * Math.round(RESERVE_PCT * 100) + 50) / 100)
  }

  /** The network is the source of truth: every move is applied, except a late pending after a decision. */
  report(c: ModelConversion, status: Status, cents: number | null) {
    if (status === 'pending' && c.status !== 'pending') return
    c.status = status
    if (cents !== null) c.cents = cents
  }

  confirmedOf(partner: number | null, after: number) {
    let all = 0
    let recent = 0
    for (const c of this.conversions)
      if (c.partner === partner && c.status === 'confirmed') {
        all += c.cents
        if (c.createdAt > after) recent += c.cents
      }
    return { all, recent }
  }

  balance(partner: number, now: number) {
    const conversions = this.confirmedOf(partner, now - RELEASE_DAYS * DAY)
    const adjustments = this.adjustments.filter((a) => a.partner === partner).reduce((s, a) => s + a.cents, 0)
    const confirmed = conversions.all + adjustments
    const reserved = Model.reserveOf(conversions.recent)
    const paid = this.payouts.filter((p) => p.partner === partner && p.status === 'paid').reduce((s, p) => s + p.cents, 0)
    const net = confirmed - reserved - paid
    return { confirmed, reserved, paid, available: Math.max(0, net), owed: Math.max(0, -net) }
  }

  unattributed(now: number) {
    const c = this.confirmedOf(null, now - RELEASE_DAYS * DAY)
    return c.all - Model.reserveOf(c.recent)
  }

  /** The sketch's global figures: confirmed *conversions*, their reserve, paid payouts. */
  seed(now: number) {
    const after = now - RELEASE_DAYS * DAY
    let confirmed = 0
    let recent = 0
    for (const c of this.conversions)
      if (c.status === 'confirmed') {
        confirmed += c.cents
        if (c.createdAt > after) recent += c.cents
      }
    const reserved = Model.reserveOf(recent)
    const paid = this.payouts.filter((p) => p.status === 'paid').reduce((s, p) => s + p.cents, 0)
    return { confirmed, reserved, paid, available: Math.max(0, confirmed - reserved - paid) }
  }

  adjustmentsTotal() {
    return this.adjustments.reduce((s, a) => s + a.cents, 0)
  }

  /** Requested or approved, not yet paid or rejected. */
  outstanding(partner: number) {
    return this.payouts
      .filter((p) => p.partner === partner && (p.status === 'requested' || p.status === 'approved'))
      .reduce((s, p) => s + p.cents, 0)
  }
}

// ——— The operations, as data fast-check generates ———

const cents = fc.integer({ min: 1, max: 40_000 })
const pick = fc.nat({ max: 1_000 })
const op = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('conversion' as const),
      partner: fc.integer({ min: 0, max: PARTNERS }),
      status: fc.constantFrom<Status>('pending', 'confirmed', 'confirmed', 'rejected'),
      cents,
    }),
  },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('status' as const), entry: pick, status: fc.constantFrom<Status>(...STATUSES) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('reversal' as const), entry: pick }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('amount' as const), entry: pick, cents }) },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('console-status' as const), entry: pick, status: fc.constantFrom<Status>(...STATUSES) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('console-amount' as const), entry: pick, cents: fc.integer({ min: 0, max: 40_000 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ kind: fc.constant('assign' as const), entry: pick, partner: fc.integer({ min: 0, max: PARTNERS - 1 }) }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('adjust' as const),
      partner: fc.integer({ min: 0, max: PARTNERS - 1 }),
      cents: fc.integer({ min: -15_000, max: 15_000 }).filter((c) => c !== 0),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('request' as const),
      partner: fc.integer({ min: 0, max: PARTNERS - 1 }),
      share: fc.double({ min: 0.05, max: 1.3, noNaN: true }),
    }),
  },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('approve' as const), payout: pick }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('pay' as const), payout: pick }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reject' as const), payout: pick }) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('import' as const),
      updates: fc.array(fc.tuple(pick, fc.constantFrom<Status>(...STATUSES)), { maxLength: 4 }),
      fresh: fc.array(fc.tuple(fc.integer({ min: 0, max: PARTNERS }), cents), { maxLength: 3 }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('time' as const), days: fc.integer({ min: 1, max: 25 }) }) },
)
type Op = typeof op extends fc.Arbitrary<infer T> ? T : never

const amountText = (c: number) => `${Math.floor(c / 100)}.${String(c % 100).padStart(2, '0')}`

describeEachDatabase('money operations scenario', (t, provider) => {
  it('keeps every partner, the dashboard and the identity to the cent, and the rollup equal to the entries', async () => {
    let run = 0
    const seen = { owed: 0, paidPayouts: 0, refusedWhileOwed: 0, reversedAfterPayout: 0, imports: 0, assigned: 0 }
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 30, maxLength: 70 }), async (ops) => {
        run++
        const { db } = t()
        await truncateAll(db, provider)
        const app: FastifyInstance = await buildTestApp(t(), {
          PAYOUT_RESERVE_PCT: String(RESERVE_PCT),
          PAYOUT_RELEASE_DAYS: String(RELEASE_DAYS),
        })
        try {
          await scenario(app, ops, run)
        } finally {
          await app.close()
        }
      }),
      { seed: 29, numRuns: 4, endOnFailure: true },
    )
    // The seed's scenarios go through every kind of money this test is about.
    expect(seen.owed).toBeGreaterThan(0)
    expect(seen.paidPayouts).toBeGreaterThan(0)
    expect(seen.refusedWhileOwed).toBeGreaterThan(0)
    expect(seen.reversedAfterPayout).toBeGreaterThan(0)
    expect(seen.imports).toBeGreaterThan(0)
    expect(seen.assigned).toBeGreaterThan(0)

    async function scenario(app: FastifyInstance, ops: Op[], run: number) {
      const { db, database } = t()
      const model = new Model()
      // The clock of the balance checks and of the figures: real time plus the days the scenario lets pass.
      let offset = 0
      const now = () => Date.now() + offset
      const api = async (method: 'POST' | 'GET', url: string, payload?: object) => {
        const res = await app.inject({ method, url: `/admin/api${url}`, headers: adminHeaders, payload })
        expect(res.statusCode, res.body).toBeLessThan(300)
        return res.json<Record<string, unknown>>()
      }
      const slug = `net${run}`
      const network = await api('POST', '/networks', { slug, name: slug })
      const token = network.postbackToken as string
      const offer = await api('POST', '/offers', { network: slug, name: 'Offre', url: 'https://adv.example/o' })
      const partners: { id: number; code: string }[] = []
      for (let p = 0; p < PARTNERS; p++) {
        const partner = (await api('POST', '/partners', { name: `Partenaire ${p}` })).id as number
        const assignment = await api('POST', '/assignments', { partnerId: partner, offerId: offer.id, status: 'posted' })
        partners.push({ id: partner, code: String(assignment.code) })
      }
      const subidOf = async (partner: number | null) => {
        if (partner === null) return `999999:1:unknownclick${Math.random().toString(36).slice(2)}`
        const res = await app.inject({ url: `/r/${partners[partner]!.code}`, headers: { 'user-agent': BROWSER } })
        expect(res.statusCode).toBe(302)
        return new URL(String(res.headers.location)).searchParams.get(String(network.subidParam))!
      }
      const postback = async (q: Record<string, string>) => {
        const res = await app.inject({ url: `/aff/postback?${new URLSearchParams({ network: slug, token, currency: 'EUR', ...q })}` })
        expect(res.statusCode, res.body).toBe(200)
      }
      /** The entry's created_at as booked: when it happened is the scenario's input, not a figure. */
      const booked = async (txnId: string) =>
        (await db.walletEntry.findFirstOrThrow({ where: { txnId, network: { slug } }, select: { createdAt: true } })).createdAt.getTime()
      const idOf = async (txnId: string) =>
        (await db.walletEntry.findFirstOrThrow({ where: { txnId, network: { slug } }, select: { id: true } })).id
      const corrections = { database, actor: 'ops:scenario' }
      const payouts: PayoutContext = { database, rules, actor: 'ops:scenario', now: () => new Date(now()) }
      let txn = 0
      const entryAt = (i: number) => (model.conversions.length ? model.conversions[i % model.conversions.length]! : null)
      const payoutAt = (i: number) => (model.payouts.length ? model.payouts[i % model.payouts.length]! : null)
      /** A payout step the model accepts runs; one it refuses must be refused by the app. */
      const step = async (allowed: boolean, run: () => Promise<unknown>, partner: number) => {
        if (allowed) return run()
        await expect(run()).rejects.toBeInstanceOf(Refused)
        if (model.balance(partner, now()).owed > 0) seen.refusedWhileOwed++
        return null
      }

      for (const o of ops) {
        switch (o.kind) {
          case 'conversion': {
            const txnId = `R${run}-${++txn}`
            const partner = o.partner === PARTNERS ? null : o.partner
            const subid = await subidOf(partner)
            await postback({ subid, txn_id: txnId, status: o.status, amount: amountText(o.cents) })
            model.conversions.push({ txnId, subid, partner, status: o.status, cents: o.cents, createdAt: await booked(txnId) })
            break
          }
          case 'status':
          case 'reversal': {
            const c = entryAt(o.entry)
            if (!c) break
            const status = o.kind === 'reversal' ? 'reversed' : o.status
            if (
              status === 'reversed' &&
              c.status === 'confirmed' &&
              c.partner !== null &&
              model.payouts.some((p) => p.partner === c.partner && p.status === 'paid')
            )
              seen.reversedAfterPayout++
            await postback({ subid: c.subid, txn_id: c.txnId, status })
            model.report(c, status, null)
            break
          }
          case 'amount': {
            const c = entryAt(o.entry)
            if (!c) break
            await postback({ subid: c.subid, txn_id: c.txnId, status: c.status, amount: amountText(o.cents) })
            model.report(c, c.status, o.cents)
            break
          }
          case 'console-status': {
            const c = entryAt(o.entry)
            if (!c) break
            const id = await idOf(c.txnId)
            if (c.status === o.status) await expect(correctStatus(corrections, id, o.status, 'test')).rejects.toBeInstanceOf(Refused)
            else {
              await correctStatus(corrections, id, o.status, 'correction de statut')
              c.status = o.status
            }
            break
          }
          case 'console-amount': {
            const c = entryAt(o.entry)
            if (!c) break
            const id = await idOf(c.txnId)
            if (c.cents === o.cents) await expect(correctAmount(corrections, id, o.cents, 'test')).rejects.toBeInstanceOf(Refused)
            else {
              await correctAmount(corrections, id, o.cents, 'correction de montant')
              c.cents = o.cents
            }
            break
          }
          case 'assign': {
            const unattributed = model.conversions.filter((c) => c.partner === null)
            const c = unattributed.length ? unattributed[o.entry % unattributed.length]! : null
            if (!c) break
            await assignConversion(corrections, await idOf(c.txnId), partners[o.partner]!.id, 'partenaire retrouvé')
            c.partner = o.partner
            seen.assigned++
            break
          }
          case 'adjust':
            await adjustPartner(corrections, partners[o.partner]!.id, o.cents, o.cents > 0 ? 'prime' : 'trop-perçu')
            model.adjustments.push({ partner: o.partner, cents: o.cents })
            break
          case 'request': {
            const b = model.balance(o.partner, now())
            const room = b.available - model.outstanding(o.partner)
            const amount = Math.max(1, Math.floor(b.available * o.share))
            const allowed = b.owed === 0 && amount <= room
            const created = (await step(
              allowed,
              () => requestPayout(payouts, { partnerId: partners[o.partner]!.id, amountCents: amount }),
              o.partner,
            )) as {
              id: number
            } | null
            if (created) model.payouts.push({ id: created.id, partner: o.partner, cents: amount, status: 'requested' })
            break
          }
          case 'approve':
          case 'pay': {
            const p = payoutAt(o.payout)
            if (!p) break
            const b = model.balance(p.partner, now())
            const allowed = p.status === (o.kind === 'approve' ? 'requested' : 'approved') && b.owed === 0 && p.cents <= b.available
            const done = await step(
              allowed,
              () => (o.kind === 'approve' ? approvePayout(payouts, p.id) : payPayout(payouts, p.id, { reference: `VIR-${p.id}` })),
              p.partner,
            )
            if (done) {
              p.status = o.kind === 'approve' ? 'approved' : 'paid'
              if (p.status === 'paid') seen.paidPayouts++
            }
            break
          }
          case 'reject': {
            const p = payoutAt(o.payout)
            if (!p) break
            const done = await step(
              p.status === 'requested' || p.status === 'approved',
              () => rejectPayout(payouts, p.id, { reason: 'refusé en test' }),
              p.partner,
            )
            if (done) p.status = 'rejected'
            break
          }
          case 'import': {
            const lines = ['txn_id,status,amount,currency,subid']
            const applied: (() => void)[] = []
            const fresh: string[] = []
            for (const [i, status] of o.updates) {
              const c = entryAt(i)
              if (!c) continue
              lines.push(`${c.txnId},${status},,EUR,`)
              applied.push(() => model.report(c, status, null))
            }
            for (const [partnerIndex, amount] of o.fresh) {
              const txnId = `R${run}-${++txn}`
              const partner = partnerIndex === PARTNERS ? null : partnerIndex
              const subid = await subidOf(partner)
              lines.push(`${txnId},confirmed,${amountText(amount)},EUR,${subid}`)
              fresh.push(txnId)
              applied.push(() => model.conversions.push({ txnId, subid, partner, status: 'confirmed', cents: amount, createdAt: 0 }))
            }
            const res = await app.inject({
              method: 'POST',
              url: `/admin/api/networks/${slug}/conversions/import`,
              headers: { ...adminHeaders, 'content-type': 'text/csv' },
              payload: lines.join('\n') + '\n',
            })
            expect(res.statusCode, res.body).toBe(200)
            expect(res.json<{ refused: unknown[] }>().refused).toEqual([])
            for (const apply of applied) apply()
            for (const txnId of fresh) model.conversions.find((c) => c.txnId === txnId)!.createdAt = await booked(txnId)
            seen.imports++
            break
          }
          case 'time':
            offset += o.days * DAY
            break
        }
      }

      // ——— The checks, at one instant ———
      const at = now()
      const when = new Date(at)
      const fromEntries = await Promise.all(partners.map((p) => ledgerBalance(db, rules, { partnerId: p.id, now: when })))
      const fromRollup = await everyPartnerBalance(database, rules, when)
      let available = 0
      let owed = 0
      for (let p = 0; p < PARTNERS; p++) {
        const m = model.balance(p, at)
        const expected = {
          confirmedCents: m.confirmed,
          reservedCents: m.reserved,
          paidCents: m.paid,
          availableCents: m.available,
          owedCents: m.owed,
        }
        expect(fromEntries[p], `partner ${p} from its entries`).toEqual(expected)
        const rolled = fromRollup.get(partners[p]!.id) ?? {
          confirmedCents: 0,
          reservedCents: 0,
          paidCents: 0,
          availableCents: 0,
          owedCents: 0,
        }
        expect(rolled, `partner ${p} from the rollup`).toEqual(expected)
        available += m.available
        owed += m.owed
      }
      if (owed > 0) seen.owed++
      const recoveries = await ledgerRecoveries(database, rules, when)
      expect(recoveries).toEqual({
        owedCents: owed,
        owingPartners: partners.filter((_, p) => model.balance(p, at).owed > 0).length,
        unattributedCents: model.unattributed(at),
      })
      // The dashboard: the sketch's cards by the sketch's definitions (euros), and the two figures beside them.
      const s = await summary(database, app.config, { now: when })
      const seed = model.seed(at)
      expect({ available: s.available, reserved: s.reserved, paid: s.paid }).toEqual({
        available: seed.available / 100,
        reserved: seed.reserved / 100,
        paid: seed.paid / 100,
      })
      // DESIGN.md's identity, adjustments counted as confirmed money and never reserved.
      const right = seed.confirmed + model.adjustmentsTotal() - seed.reserved - seed.paid
      expect(await globalNetCents(database, rules, when)).toBe(right)
      const left = available - owed + model.unattributed(at)
      expect(Math.abs(left - right), `${left} vs ${right}`).toBeLessThanOrEqual(PARTNERS + 1)

      // The rollup, folded or not, is the entries grouped by day, partner, assignment, network, type and status.
      const raw = async () => {
        const entries = await db.walletEntry.findMany()
        const cells = new Map<string, { entries: number; amountCents: number }>()
        for (const e of entries) {
          const key = [Math.floor(e.createdAt.getTime() / DAY) * DAY, e.partnerId, e.assignmentId, e.networkId, e.type, e.status].join('|')
          const cell = cells.get(key) ?? { entries: 0, amountCents: 0 }
          cell.entries++
          cell.amountCents += e.amountCents
          cells.set(key, cell)
        }
        return cells
      }
      const rolled = async () => {
        const rows = await conversionFiguresByDay(database, {
          from: new Date(0),
          to: new Date(at + 400 * DAY),
          types: ['conversion', 'adjustment', 'payout'],
        })
        return new Map(
          rows.map((r) => [
            [r.day.getTime(), r.partnerId, r.assignmentId, r.networkId, r.type, r.status].join('|'),
            { entries: r.entries, amountCents: r.amountCents },
          ]),
        )
      }
      const expected = await raw()
      expect(await rolled()).toEqual(expected)
      if (provider === 'postgresql') {
        await foldLedgerDeltas(database.prisma, provider)
        expect(await rolled()).toEqual(expected)
        expect(await ledgerRecoveries(database, rules, when)).toEqual(recoveries)
      }
    }
  })
})
