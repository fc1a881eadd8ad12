// A partner's monthly statement (UTC month): the opening balance, the month's
// lines, the closing balance. Entries are read with their status of today, so a
// conversion confirmed in March and reversed in April appears in March's
// "conversions confirmed" and, as the same amount taken back, in its
// "reversals": the March statement is restated, and each month still adds up
// (closing = opening + lines). The balance here is the ledger's net (confirmed
// conversions and adjustments minus paid payouts), before any reserve.
import type { Queryable } from '../db/queries/access.ts'
import { balanceCentsBefore, entriesOfPartnerBetween, firstEntryAt } from '../db/queries/portal-reads.ts'
import { InvalidInput } from '../errors.ts'
import { BOM, centsToEur, csvLine } from '../reports/csv.ts'

export const STATEMENT_LINES = ['conversions_confirmed', 'reversals', 'click_earnings', 'adjustments', 'payouts'] as const
export type StatementLineKey = (typeof STATEMENT_LINES)[number]

export const STATEMENT_LINE_LABELS: Record<StatementLineKey | 'opening_balance' | 'closing_balance', string> = {
  opening_balance: "Solde d'ouverture",
  conversions_confirmed: 'Conversions confirmées',
  reversals: 'Annulations (reversals)',
  click_earnings: 'Gains aux clics',
  adjustments: 'Ajustements',
  payouts: 'Paiements versés',
  closing_balance: 'Solde de clôture',
}

export interface Statement {
  month: string
  from: Date
  to: Date
  openingCents: number
  lines: { key: StatementLineKey; count: number; cents: number }[]
  closingCents: number
}

const MONTH = /^(\d{4})-(0[1-9]|1[0-2])$/

/** "2026-03" → the month's first instant and the next month's (UTC); a clear refusal otherwise. */
export function monthRange(month: unknown): { month: string; from: Date; to: Date } {
  const m = typeof month === 'string' ? MONTH.exec(month) : null
  if (!m) throw new InvalidInput('mois attendu au format AAAA-MM (par exemple 2026-03)')
  const y = Number(m[1])
  const mo = Number(m[2]) - 1
  return { month: month as string, from: new Date(Date.UTC(y, mo, 1)), to: new Date(Date.UTC(y, mo + 1, 1)) }
}

export async function monthlyStatement(db: Queryable, partnerId: number, month: unknown): Promise<Statement> {
  const range = monthRange(month)
  const [openingCents, entries] = await Promise.all([
    balanceCentsBefore(db, partnerId, range.from),
    entriesOfPartnerBetween(db, partnerId, range.from, range.to),
  ])
  const lines = Object.fromEntries(STATEMENT_LINES.map((k) => [k, { key: k, count: 0, cents: 0 }])) as Record<
    StatementLineKey,
    { key: StatementLineKey; count: number; cents: number }
  >
  const add = (k: StatementLineKey, cents: number) => {
    lines[k].count++
    lines[k].cents += cents
  }
  for (const e of entries) {
    if (e.type === 'conversion' && (e.status === 'confirmed' || e.status === 'reversed')) add('conversions_confirmed', e.amountCents)
    if (e.type === 'conversion' && e.status === 'reversed') add('reversals', -e.amountCents)
    if (e.type === 'click_earnings' && e.status === 'confirmed') add('click_earnings', e.amountCents)
    if (e.type === 'adjustment' && e.status === 'confirmed') add('adjustments', e.amountCents)
    if (e.type === 'payout' && e.status === 'paid') add('payouts', e.amountCents)
  }
  const list = STATEMENT_LINES.map((k) => lines[k])
  return { ...range, openingCents, lines: list, closingCents: openingCents + list.reduce((s, l) => s + l.cents, 0) }
}

/** The months a statement list offers: from the partner's first entry (or this month) to this month, newest first. */
export async function statementMonths(db: Queryable, partnerId: number, now = new Date()): Promise<string[]> {
  const first = (await firstEntryAt(db, partnerId)) ?? now
  const months: string[] = []
  let y = now.getUTCFullYear()
  let m = now.getUTCMonth()
  const stop = first.getUTCFullYear() * 12 + first.getUTCMonth()
  while (y * 12 + m >= stop && months.length < 120) {
    months.push(`${y}-${String(m + 1).padStart(2, '0')}`)
    m--
    if (m < 0) {
      m = 11
      y--
    }
  }
  return months
}

export const STATEMENT_CSV_HEADER = ['month', 'line', 'entries', 'amount_cents', 'amount_eur']

/** The statement as CSV (English headers, cents and EUR with a dot, CRLF, UTF-8 with a BOM). */
export function statementCsv(s: Statement): string {
  const row = (line: string, count: number | null, cents: number) => csvLine([s.month, line, count, cents, centsToEur(cents)])
  return (
    BOM +
    csvLine(STATEMENT_CSV_HEADER) +
    row('opening_balance', null, s.openingCents) +
    s.lines.map((l) => row(l.key, l.count, l.cents)).join('') +
    row('closing_balance', null, s.closingCents)
  )
}
