// Whole-database checks that nothing is half-written: every figure that is kept
// beside the rows it counts (click rollups, ledger daily totals) agrees with them,
// every wallet entry has its history, every accepted postback its entry. Each of
// these is written in one transaction with its rows, so a crash must leave them equal.
import type { Db } from '../../src/db/client.ts'

const num = (v: unknown) => Number(v ?? 0)

export async function integrityProblems(db: Db): Promise<string[]> {
  const problems: string[] = []

  const entriesWithoutHistory = await db.walletEntry.count({ where: { history: { none: {} } } })
  if (entriesWithoutHistory) problems.push(`${entriesWithoutHistory} wallet entries without a history line`)
  const acceptedWithoutEntry = await db.postbackLog.count({ where: { outcome: 'accepted', entryId: null } })
  if (acceptedWithoutEntry) problems.push(`${acceptedWithoutEntry} accepted postback log lines without an entry`)

  const events = await db.metricEvent.groupBy({ by: ['kind'], _count: { _all: true } })
  const rollups = await db.clickRollup.groupBy({ by: ['kind'], _sum: { count: true } })
  const rolled = new Map(rollups.map((r) => [r.kind, num(r._sum.count)]))
  for (const e of events) {
    if (rolled.get(e.kind) !== e._count._all) problems.push(`${e.kind}: ${e._count._all} events but rollup says ${rolled.get(e.kind) ?? 0}`)
    rolled.delete(e.kind)
  }
  for (const [kind, n] of rolled) if (n) problems.push(`${kind}: rollup says ${n} but no events`)

  // ledger_daily plus the not yet folded ledger_deltas (PostgreSQL) = the entries themselves
  const totals = new Map<string, { entries: number; cents: number }>()
  const add = (type: string, status: string, entries: number, cents: number) => {
    const t = totals.get(`${type}/${status}`) ?? { entries: 0, cents: 0 }
    totals.set(`${type}/${status}`, { entries: t.entries + entries, cents: t.cents + cents })
  }
  for (const r of await db.ledgerDaily.groupBy({ by: ['type', 'status'], _sum: { entries: true, amountCents: true } }))
    add(r.type, r.status, num(r._sum.entries), num(r._sum.amountCents))
  for (const r of await db.ledgerDelta.groupBy({ by: ['type', 'status'], _sum: { entries: true, amountCents: true } }))
    add(r.type, r.status, num(r._sum.entries), num(r._sum.amountCents))
  for (const r of await db.walletEntry.groupBy({ by: ['type', 'status'], _count: { _all: true }, _sum: { amountCents: true } }))
    add(r.type, r.status, -r._count._all, -num(r._sum.amountCents))
  for (const [key, t] of totals)
    if (t.entries || t.cents) problems.push(`ledger daily totals of ${key} off by ${t.entries} entries, ${t.cents} cents`)

  return problems
}
