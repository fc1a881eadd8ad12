// The payout journal as CSV (RFC 4180, comma, CRLF, UTF-8 with a BOM so that
// spreadsheet software reads accents right). Amounts in cents and in EUR with a
// dot; dates ISO 8601 UTC. A text cell starting with = + - @ is prefixed with '
// so that no spreadsheet runs it as a formula (CSV injection).
import type { PayoutRow } from './journal.ts'

export const CSV_HEADER = [
  'id',
  'partner_id',
  'partner_name',
  'amount_cents',
  'amount_eur',
  'status',
  'requested_at',
  'approved_at',
  'paid_at',
  'rejected_at',
  'reference',
  'reason',
]

export function csvCell(value: string | number | null): string {
  if (value === null) return ''
  let s = String(value)
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s) && !/^-?\d+(\.\d+)?$/.test(s)) s = `'${s}`
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}

const iso = (d: Date | null) => (d ? d.toISOString() : null)
const euros = (cents: number) =>
  `${cents < 0 ? '-' : ''}${Math.floor(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`

export function payoutsCsv(rows: readonly PayoutRow[]): string {
  const lines = [CSV_HEADER.join(',')]
  for (const r of rows) {
    lines.push(
      [
        r.id,
        r.partnerId,
        r.partnerName,
        r.amountCents,
        euros(r.amountCents),
        r.status,
        iso(r.requestedAt),
        iso(r.approvedAt),
        iso(r.paidAt),
        iso(r.rejectedAt),
        r.reference,
        r.reason,
      ]
        .map(csvCell)
        .join(','),
    )
  }
  return `\ufeff${lines.join('\r\n')}\r\n`
}
