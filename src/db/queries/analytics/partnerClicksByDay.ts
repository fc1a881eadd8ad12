// One partner's click events (kind "click") on the given UTC days, from the daily
// rollup: one primary-key lookup per day (day, partner, kind), however many
// partners the rollup holds. Days without clicks are absent.
import { clientOf, type Queryable } from '../access.ts'

export async function partnerClicksByDay(
  db: Queryable,
  partnerId: number,
  days: readonly Date[],
): Promise<{ day: Date; clicks: number }[]> {
  if (days.length === 0) return []
  const rows = await clientOf(db).clickRollup.findMany({
    where: { kind: 'click', partnerId, day: { in: [...days] } },
    select: { day: true, count: true },
  })
  return rows.map((r) => ({ day: r.day, clicks: r.count }))
}
