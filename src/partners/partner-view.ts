// A partner as ops see it: identity, balance (ledger rules), 7-day clicks,
// recent clicks and conversions, payouts and flags.
import type { Db } from '../db/client.ts'
import type { LedgerRules } from '../ledger/balance-rules.ts'
import { ledgerBalance, ledgerBalances } from '../ledger/balances.ts'
import { flagsOf } from '../holds/queries.ts'
import { NotFound } from '../errors.ts'

const DAY_MS = 24 * 60 * 60 * 1000

export async function partnerView(db: Db, rules: LedgerRules, partnerId: number, now = new Date()) {
  const partner = await db.partner.findUnique({ where: { id: partnerId }, select: { id: true, name: true, email: true, createdAt: true } })
  if (!partner) throw new NotFound(`partenaire #${partnerId} introuvable`)
  const since7d = new Date(now.getTime() - 7 * DAY_MS)
  const [balance, clicks7d, recentClicks, conversions, payouts, flags, assignments, openPayouts] = await Promise.all([
    ledgerBalance(db, rules, { partnerId, now }),
    db.metricEvent.count({ where: { partnerId, kind: 'click', ts: { gte: since7d } } }),
    db.metricEvent.findMany({
      where: { partnerId },
      orderBy: [{ ts: 'desc' }, { id: 'desc' }],
      take: 20,
      select: { id: true, kind: true, ts: true, clickId: true, assignmentId: true, offerId: true, referer: true, isUnique: true },
    }),
    db.walletEntry.findMany({
      where: { partnerId, type: 'conversion' },
      orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
      take: 20,
      select: {
        id: true,
        status: true,
        amountCents: true,
        originalAmount: true,
        originalCurrency: true,
        txnId: true,
        flag: true,
        createdAt: true,
        network: { select: { slug: true } },
      },
    }),
    db.payout.findMany({ where: { partnerId }, orderBy: [{ requestedAt: 'desc' }, { id: 'desc' }], take: 20 }),
    flagsOf(db, partnerId),
    db.assignment.groupBy({ by: ['status'], where: { partnerId }, _count: { _all: true } }),
    db.payout.aggregate({ where: { partnerId, status: { in: ['requested', 'approved'] } }, _sum: { amountCents: true } }),
  ])
  // Click events keep the offer's id, not a foreign key (schema): its name is looked up.
  const offerIds = [...new Set(recentClicks.flatMap((c) => (c.offerId === null ? [] : [c.offerId])))]
  const offers = new Map(
    (await db.offer.findMany({ where: { id: { in: offerIds } }, select: { id: true, name: true } })).map((o) => [o.id, o]),
  )
  const clicks = recentClicks.map((c) => ({ ...c, offer: c.offerId === null ? null : (offers.get(c.offerId) ?? null) }))
  const activeHold = flags.find((f) => f.flag === 'hold' && f.clearedAt === null) ?? null
  return {
    partner,
    balance,
    clicks7d,
    clicks,
    conversions,
    payouts,
    flags,
    activeHold,
    assignments: Object.fromEntries(assignments.map((a) => [a.status, a._count._all])) as Record<string, number>,
    openPayoutsCents: Number(openPayouts._sum.amountCents ?? 0),
  }
}

/** Partners whose name or e-mail contains `q` (any case), or whose id is `q`; with balance and hold. */
export async function searchPartners(db: Db, rules: LedgerRules, q: string, take = 100, now = new Date()) {
  const term = q.trim().toLowerCase()
  const id = /^\d{1,9}$/.test(term) ? Number(term) : null
  let ids: number[]
  if (term === '') {
    ids = (await db.partner.findMany({ orderBy: { id: 'asc' }, take, select: { id: true } })).map((p) => p.id)
  } else {
    // LOWER … LIKE works the same on both databases (Prisma's insensitive mode is PostgreSQL-only).
    const like = `%${term.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
    const rows = await db.$queryRaw<{ id: number }[]>`
      SELECT id FROM partners WHERE LOWER(name) LIKE ${like} ESCAPE '\\' OR LOWER(COALESCE(email, '')) LIKE ${like} ESCAPE '\\' OR id = ${id ?? -1}
      ORDER BY id LIMIT ${take}`
    ids = rows.map((r) => Number(r.id))
  }
  const [partners, balances, holds] = await Promise.all([
    db.partner.findMany({
      where: { id: { in: ids } },
      orderBy: { id: 'asc' },
      select: { id: true, name: true, email: true, createdAt: true },
    }),
    ledgerBalances(db, rules, ids, now),
    db.partnerFlag.findMany({
      where: { flag: 'hold', clearedAt: null, partnerId: { in: ids } },
      select: { partnerId: true, reason: true },
    }),
  ])
  const holdOf = new Map(holds.map((h) => [h.partnerId, h.reason]))
  return partners.map((p) => ({ ...p, balance: balances.get(p.id)!, hold: holdOf.get(p.id) ?? null }))
}
