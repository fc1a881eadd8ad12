// The portal's overview: the partner's balance by the ledger's rules (the same
// figures as the console's partner page) and the last 30 UTC days, today
// included: clicks from the click rollup, conversions (pending or confirmed)
// and earnings (confirmed conversions and click earnings) from the partner's entries.
import type { Queryable } from '../db/queries/access.ts'
import { partnerClicksByDay } from '../db/queries/analytics/partnerClicksByDay.ts'
import { partnerConversionsSince } from '../db/queries/analytics/partnerConversionsSince.ts'
import type { LedgerRules } from '../ledger/balance-rules.ts'
import { ledgerBalance } from '../ledger/balances.ts'
import { DAY_MS, dayStart } from '../time.ts'

export const WINDOW_DAYS = 30

/** GET /p/api/summary: the answer's fields. */
export interface PortalSummary {
  availableCents: number
  reservedCents: number
  paidCents: number
  owedCents: number
  clicks30d: number
  conversions30d: number
  earnings30dCents: number
}

export interface PortalDay {
  day: Date
  clicks: number
  conversions: number
  earningsCents: number
}

/** Counted in the 30-day conversions: what is not refused or taken back. */
const COUNTED = new Set(['pending', 'confirmed'])

export async function portalOverview(
  db: Queryable,
  rules: LedgerRules,
  partnerId: number,
  now = new Date(),
): Promise<{ summary: PortalSummary; days: PortalDay[] }> {
  const from = new Date(dayStart(now).getTime() - (WINDOW_DAYS - 1) * DAY_MS)
  const dayStarts = Array.from({ length: WINDOW_DAYS }, (_, i) => new Date(from.getTime() + i * DAY_MS))
  const [balance, clicks, conversions] = await Promise.all([
    ledgerBalance(db, rules, { partnerId, now }),
    partnerClicksByDay(db, partnerId, dayStarts),
    partnerConversionsSince(db, partnerId, from),
  ])
  const days: PortalDay[] = dayStarts.map((day) => ({
    day,
    clicks: 0,
    conversions: 0,
    earningsCents: 0,
  }))
  const at = (d: Date) => days[Math.floor((d.getTime() - from.getTime()) / DAY_MS)]
  for (const c of clicks) {
    const d = at(c.day)
    if (d) d.clicks += c.clicks
  }
  for (const e of conversions) {
    const d = at(e.createdAt)
    if (!d) continue
    if (e.type === 'conversion' && COUNTED.has(e.status)) d.conversions++
    if (e.status === 'confirmed') d.earningsCents += e.amountCents
  }
  const sum = (f: (d: PortalDay) => number) => days.reduce((s, d) => s + f(d), 0)
  return {
    summary: {
      availableCents: balance.availableCents,
      reservedCents: balance.reservedCents,
      paidCents: balance.paidCents,
      owedCents: balance.owedCents,
      clicks30d: sum((d) => d.clicks),
      conversions30d: sum((d) => d.conversions),
      earnings30dCents: sum((d) => d.earningsCents),
    },
    days,
  }
}
