// One page of raw click events of one kind with from ≤ ts < to, after a (ts, id)
// cursor, in (ts, id) order: the (kind, ts) index serves it as a range, so every
// page costs its own rows whatever the table's size (the CSV export's keyset).
import type { MetricEvent } from '../../types.ts'
import { clientOf, type Queryable } from '../access.ts'

export interface EventCursor {
  ts: Date
  id: number
}

export async function clickEventsPage(
  db: Queryable,
  kind: 'click' | 'bot',
  period: { from: Date; to: Date },
  after: EventCursor | null,
  limit: number,
): Promise<MetricEvent[]> {
  const from = after && after.ts.getTime() > period.from.getTime() ? after.ts : period.from
  return clientOf(db).metricEvent.findMany({
    where: {
      kind,
      ts: { gte: from, lt: period.to },
      ...(after ? { OR: [{ ts: { gt: after.ts } }, { id: { gt: after.id } }] } : {}),
    },
    orderBy: [{ ts: 'asc' }, { id: 'asc' }],
    take: limit,
  })
}
