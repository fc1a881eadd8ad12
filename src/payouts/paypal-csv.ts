// A PayPal Payouts Web payment file (developer.paypal.com, "Payouts Web" /
// "Use Web UI"): no header row; one line per payout with, from left to right, the
// recipient identifier (the partner's PayPal email), the amount, the currency, a
// customer ID (ours: the payout's reference, at most 30 characters, no spaces),
// the note to the recipient (at most 400 characters) and the recipient wallet
// (PAYPAL). One currency per file (EUR); an EUR amount uses a decimal comma and is
// therefore quoted, as in PayPal's own EUR example ("100,50"). At most 5,000 lines.

/** RFC 4180 quoting only: PayPal reads the cells as written (an email may start with "+" or "-"). */
const cell = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value)

export const PAYPAL_MAX_LINES = 5000
export const PAYPAL_CUSTOMER_ID_MAX = 30
export const PAYPAL_NOTE_MAX = 400

export interface PaypalPayment {
  email: string
  amountCents: number
  customerId: string
  note: string
}

/** 123456 → "1234,56" (quoted by the CSV writer, it contains a comma). */
export function paypalAmount(cents: number): string {
  return `${Math.floor(cents / 100)},${String(cents % 100).padStart(2, '0')}`
}

export function paypalFileProblems(payments: readonly PaypalPayment[]): string[] {
  const problems: string[] = []
  if (payments.length === 0) problems.push('aucun paiement')
  if (payments.length > PAYPAL_MAX_LINES) problems.push(`${payments.length} paiements, PayPal en accepte ${PAYPAL_MAX_LINES} par fichier`)
  const seen = new Set<string>()
  for (const p of payments) {
    if (p.customerId.length > PAYPAL_CUSTOMER_ID_MAX || /\s/.test(p.customerId) || p.customerId === '')
      problems.push(`identifiant ${p.customerId} invalide pour PayPal`)
    if (seen.has(p.customerId)) problems.push(`identifiant ${p.customerId} en double`)
    seen.add(p.customerId)
    if (!Number.isInteger(p.amountCents) || p.amountCents <= 0) problems.push(`${p.customerId} : montant invalide`)
  }
  return problems
}

export function paypalPayoutsCsv(payments: readonly PaypalPayment[]): string {
  const problems = paypalFileProblems(payments)
  if (problems.length > 0) throw new Error(`fichier PayPal impossible : ${problems.join(' ; ')}`)
  const lines = payments.map((p) =>
    [p.email, paypalAmount(p.amountCents), 'EUR', p.customerId, p.note.replace(/[\r\n]+/g, ' ').slice(0, PAYPAL_NOTE_MAX), 'PAYPAL']
      .map(cell)
      .join(','),
  )
  return `${lines.join('\r\n')}\r\n`
}
