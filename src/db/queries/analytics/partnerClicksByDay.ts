// One partner's click events (kind "click") per UTC day from `fromDay`, from the
// daily rollup (a row per day at most). Days without clicks are absent.
import { clientOf, type Queryable } from '../access.ts'

export async function partnerClicksByDay(db: Queryable, partnerId: number, fromDay: Date): Promise<{ day: Date; clicks: number }[]> {
  const rows = await clientOf(db).clickRollup.findMany({
    where: { kind: 'click', partnerId, day: { gte: fromDay } },
    select: { day: true, count: true },
  })
  return rows.map((r) => ({ day: r.day, clicks: r.count }))
}
