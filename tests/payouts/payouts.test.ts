// Payouts and holds through their services, on both databases: the life cycle,
// every refusal (hold, balance, state) and races that only the partner lock
// (or the unique payout entry) can settle.
import { beforeEach, expect, it } from 'vitest'
import { ledgerBalance } from '../../src/ledger/balances.ts'
import { approvePayout, payPayout, rejectPayout, requestPayout, type PayoutContext } from '../../src/payouts/payouts.ts'
import { liftHold, setHold } from '../../src/holds/holds.ts'
import { Refused, NotFound } from '../../src/errors.ts'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'

const DAY = 24 * 60 * 60 * 1000
const rules = { reservePct: 0.3, releaseDays: 30 }

describeEachDatabase('payouts and holds', (t, provider) => {
  let partnerId = 0
  let ctx: PayoutContext
  const holdCtx = () => ({ database: t().database, actor: 'ops:test' })

  beforeEach(async () => {
    const { db, database } = t()
    await truncateAll(db, provider)
    ctx = { database, rules, actor: 'ops:test' }
    partnerId = (await db.partner.create({ data: { name: 'Camille' } })).id
    // 100.00 € confirmed, 40 days old: nothing reserved, all available.
    await db.walletEntry.create({
      data: {
        partnerId,
        type: 'conversion',
        status: 'confirmed',
        amountCents: 10_000,
        txnId: 'old',
        createdAt: new Date(Date.now() - 40 * DAY),
      },
    })
  })

  const available = async () => (await ledgerBalance(t().db, rules, { partnerId })).availableCents

  it('goes requested → approved → paid; paying books a negative payout entry and lowers the available balance', async () => {
    const p = await requestPayout(ctx, { partnerId, amountCents: 3_000 })
    expect(p.status).toBe('requested')
    expect(await available()).toBe(10_000)
    expect((await approvePayout(ctx, p.id)).status).toBe('approved')
    const paid = await payPayout(ctx, p.id, { reference: 'VIR-1' })
    expect(paid).toMatchObject({ status: 'paid', reference: 'VIR-1' })
    expect(paid.paidAt).toBeInstanceOf(Date)
    expect(await available()).toBe(7_000)
    const entry = await t().db.walletEntry.findUniqueOrThrow({ where: { payoutId: p.id } })
    expect(entry).toMatchObject({ partnerId, type: 'payout', status: 'paid', amountCents: -3_000 })
    const actions = (await t().db.auditLog.findMany({ where: { subject: `payout:${p.id}` }, orderBy: { id: 'asc' } })).map(
      (a) => `${a.actor} ${a.action}`,
    )
    expect(actions).toEqual(['ops:test payout.request', 'ops:test payout.approve', 'ops:test payout.pay'])
  })

  it('refuses the wrong state with a one-line reason', async () => {
    const p = await requestPayout(ctx, { partnerId, amountCents: 1_000 })
    await expect(payPayout(ctx, p.id, { reference: 'X' })).rejects.toThrow(Refused)
    await expect(payPayout(ctx, p.id, { reference: 'X' })).rejects.toThrow(
      /payout #\d+ demandé : paiement impossible \(il faut qu'il soit approuvé\)/,
    )
    await approvePayout(ctx, p.id)
    await expect(approvePayout(ctx, p.id)).rejects.toThrow(/approuvé : approbation impossible/)
    await payPayout(ctx, p.id, { reference: 'X' })
    await expect(rejectPayout(ctx, p.id, { reason: 'trop tard' })).rejects.toThrow(
      /payé : rejet impossible \(il faut qu'il soit demandé ou approuvé\)/,
    )
    await expect(payPayout(ctx, p.id, { reference: 'X' })).rejects.toThrow(Refused)
    expect(await t().db.walletEntry.count({ where: { payoutId: p.id } })).toBe(1)
    await expect(approvePayout(ctx, 999_999)).rejects.toThrow(NotFound)
  })

  it('rejects with a reason, requested or approved, and a rejected payout moves no money', async () => {
    const a = await requestPayout(ctx, { partnerId, amountCents: 1_000 })
    const b = await requestPayout(ctx, { partnerId, amountCents: 2_000 })
    await approvePayout(ctx, b.id)
    await expect(rejectPayout(ctx, a.id, { reason: '' })).rejects.toThrow()
    expect(await rejectPayout(ctx, a.id, { reason: 'IBAN invalide' })).toMatchObject({ status: 'rejected', reason: 'IBAN invalide' })
    expect((await rejectPayout(ctx, b.id, { reason: 'doublon' })).status).toBe('rejected')
    await expect(approvePayout(ctx, a.id)).rejects.toThrow(/rejeté : approbation impossible/)
    expect(await available()).toBe(10_000)
  })

  it('refuses more than the available balance, counting what is already requested', async () => {
    await expect(requestPayout(ctx, { partnerId, amountCents: 10_001 })).rejects.toThrow(/supérieur au solde/)
    await requestPayout(ctx, { partnerId, amountCents: 6_000 })
    await expect(requestPayout(ctx, { partnerId, amountCents: 4_001 })).rejects.toThrow(/déjà demandés/)
    await requestPayout(ctx, { partnerId, amountCents: 4_000 })
    await expect(requestPayout(ctx, { partnerId: 987_654, amountCents: 100 })).rejects.toThrow(NotFound)
    await expect(requestPayout(ctx, { partnerId, amountCents: 0 })).rejects.toThrow()
    await expect(requestPayout(ctx, { partnerId, amountCents: 12.5 })).rejects.toThrow()
  })

  it('refuses to pay more than what is available at payment time', async () => {
    const p = await requestPayout(ctx, { partnerId, amountCents: 8_000 })
    await approvePayout(ctx, p.id)
    // The conversion is reversed meanwhile: confirmed drops to 0.
    await t().db.walletEntry.updateMany({ where: { txnId: 'old' }, data: { status: 'reversed' } })
    await expect(payPayout(ctx, p.id, { reference: 'VIR-2' })).rejects.toThrow(
      /supérieur au solde du partenaire #\d+ \(disponible €\u00a00,00\)/,
    )
    expect((await t().db.payout.findUniqueOrThrow({ where: { id: p.id } })).status).toBe('approved')
  })

  it('a hold blocks approval and payment, and lifting it unblocks them; both audited', async () => {
    const p = await requestPayout(ctx, { partnerId, amountCents: 1_000 })
    await setHold(holdCtx(), partnerId, 'Pic de clics suspect')
    await expect(setHold(holdCtx(), partnerId, 'encore')).rejects.toThrow(/déjà en hold/)
    await expect(approvePayout(ctx, p.id)).rejects.toThrow(/en hold \(Pic de clics suspect\) : approbation impossible/)
    await liftHold(holdCtx(), partnerId, 'Trafic vérifié')
    await approvePayout(ctx, p.id)
    await setHold(holdCtx(), partnerId, 'Nouveau doute')
    await expect(payPayout(ctx, p.id, { reference: 'X' })).rejects.toThrow(/en hold \(Nouveau doute\) : paiement impossible/)
    await liftHold(holdCtx(), partnerId, 'Vérifié')
    await expect(liftHold(holdCtx(), partnerId, 'encore')).rejects.toThrow(/n'est pas en hold/)
    expect((await payPayout(ctx, p.id, { reference: 'X' })).status).toBe('paid')
    const flags = await t().db.partnerFlag.findMany({ where: { partnerId }, orderBy: { id: 'asc' } })
    expect(flags.map((f) => [f.reason, f.setBy, f.clearReason, f.clearedBy])).toEqual([
      ['Pic de clics suspect', 'ops:test', 'Trafic vérifié', 'ops:test'],
      ['Nouveau doute', 'ops:test', 'Vérifié', 'ops:test'],
    ])
    const audit = await t().db.auditLog.findMany({ where: { subject: `partner:${partnerId}` }, orderBy: { id: 'asc' } })
    expect(audit.map((a) => [a.actor, a.action, JSON.parse(a.detail!).reason])).toEqual([
      ['ops:test', 'hold.set', 'Pic de clics suspect'],
      ['ops:test', 'hold.lift', 'Trafic vérifié'],
      ['ops:test', 'hold.set', 'Nouveau doute'],
      ['ops:test', 'hold.lift', 'Vérifié'],
    ])
    await expect(setHold(holdCtx(), partnerId, 'x')).rejects.toThrow() // reason too short
    await expect(setHold(holdCtx(), 424_242, 'inconnu')).rejects.toThrow(NotFound)
  })

  it('pays a payout once when paid twice at the same moment', async () => {
    const p = await requestPayout(ctx, { partnerId, amountCents: 2_500 })
    await approvePayout(ctx, p.id)
    const results = await Promise.allSettled(Array.from({ length: 6 }, () => payPayout(ctx, p.id, { reference: 'VIR-RACE' })))
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Refused)
    expect(await t().db.walletEntry.count({ where: { payoutId: p.id } })).toBe(1)
    expect(await available()).toBe(7_500)
  })

  it('never pays two payouts that the balance covers only one at a time', async () => {
    const a = await requestPayout(ctx, { partnerId, amountCents: 6_000 })
    await approvePayout(ctx, a.id)
    // Approved while the balance allowed it; a second 6 000 approved after the first request is rejected, so book it directly.
    const b = await t().db.payout.create({ data: { partnerId, amountCents: 6_000, status: 'approved', approvedAt: new Date() } })
    const results = await Promise.allSettled([payPayout(ctx, a.id, { reference: 'A' }), payPayout(ctx, b.id, { reference: 'B' })])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await available()).toBe(4_000)
  })

  it('sets one hold when two ops set it at the same moment', async () => {
    const results = await Promise.allSettled([
      setHold(holdCtx(), partnerId, 'motif A'),
      setHold(holdCtx(), partnerId, 'motif B'),
      setHold(holdCtx(), partnerId, 'motif C'),
    ])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    expect(await t().db.partnerFlag.count({ where: { partnerId, clearedAt: null } })).toBe(1)
  })
})
