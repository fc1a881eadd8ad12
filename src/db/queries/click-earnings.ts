// CPC earnings (src/terms/cpc-accrual.ts): the unique non-bot clicks they count,
// and their wallet entries, one per partner and UTC day (accrual_key unique).
import type { DbWriter } from '../client.ts'
import { clientOf, type Queryable } from './access.ts'

export interface LinkOfOffer {
  id: number
  partnerId: number
  offerId: number
}

/** The tracked links of these offers, with their partner. */
export function linksOfOffers(db: Queryable, offerIds: readonly number[]): Promise<LinkOfOffer[]> {
  if (offerIds.length === 0) return Promise.resolve([])
  return clientOf(db).assignment.findMany({
    where: { offerId: { in: [...offerIds] } },
    select: { id: true, partnerId: true, offerId: true },
  })
}

/** Unique non-bot clicks of one UTC day per link, from the click rollup. */
export async function uniqueClicksOfDay(db: Queryable, day: Date, assignmentIds: readonly number[]): Promise<Map<number, number>> {
  if (assignmentIds.length === 0) return new Map()
  const rows = await clientOf(db).clickLinkRollup.findMany({
    where: { day, kind: 'click', assignmentId: { in: [...assignmentIds] } },
    select: { assignmentId: true, uniqueCount: true },
  })
  const byLink = new Map<number, number>()
  for (const r of rows) byLink.set(r.assignmentId, (byLink.get(r.assignmentId) ?? 0) + r.uniqueCount)
  return byLink
}

/** Unique non-bot clicks of one link in [from, to), from the raw events (index on partner_id, ts). */
export function uniqueClicksBetween(db: Queryable, link: { id: number; partnerId: number }, from: Date, to: Date): Promise<number> {
  return clientOf(db).metricEvent.count({
    where: { partnerId: link.partnerId, ts: { gte: from, lt: to }, assignmentId: link.id, kind: 'click', isUnique: true },
  })
}

export interface ClickEarningsRow {
  id: number
  status: string
  amountCents: number
}

export function clickEarningsByKey(db: Queryable, accrualKey: string): Promise<ClickEarningsRow | null> {
  return clientOf(db).walletEntry.findUnique({ where: { accrualKey }, select: { id: true, status: true, amountCents: true } })
}

/** A new click_earnings entry; a concurrent writer of the same key makes it fail with a unique violation. */
export async function insertClickEarnings(
  db: DbWriter,
  entry: { accrualKey: string; partnerId: number; day: Date; status: string; amountCents: number; valueCents: number | null; now: Date },
): Promise<void> {
  await clientOf(db).walletEntry.create({
    data: {
      accrualKey: entry.accrualKey,
      partnerId: entry.partnerId,
      type: 'click_earnings',
      status: entry.status,
      amountCents: entry.amountCents,
      revenueCents: 0,
      termsMode: 'cpc',
      termsValue: entry.valueCents,
      createdAt: entry.day,
      updatedAt: entry.now,
    },
  })
}

/** Updates a click_earnings entry only while it is pending (a confirmed day never moves); gives the rows changed. */
export async function updatePendingClickEarnings(
  db: DbWriter,
  accrualKey: string,
  data: { status: string; amountCents: number; now: Date },
): Promise<number> {
  const changed = await clientOf(db).walletEntry.updateMany({
    where: { accrualKey, status: 'pending' },
    data: { status: data.status, amountCents: data.amountCents, updatedAt: data.now },
  })
  return changed.count
}

/** Click earnings entries (dated by their day's midnight) created at ≥ `since`, pending or confirmed: their cents. */
export async function clickEarningsSince(db: Queryable, since: Date): Promise<number> {
  const agg = await clientOf(db).walletEntry.aggregate({
    _sum: { amountCents: true },
    where: { type: 'click_earnings', status: { in: ['pending', 'confirmed'] }, createdAt: { gte: since } },
  })
  return agg._sum.amountCents ?? 0
}
