// One partner's click events (kind "click") with ts ≥ since, from the raw events.
import { clientOf, type Queryable } from '../access.ts'

export function partnerClicksSince(db: Queryable, partnerId: number, since: Date): Promise<number> {
  return clientOf(db).metricEvent.count({ where: { partnerId, kind: 'click', ts: { gte: since } } })
}
