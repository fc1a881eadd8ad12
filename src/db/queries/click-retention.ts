// Deleting old raw click events, a bounded batch at a time: the oldest events of
// one kind before the cutoff, found through the (kind, ts) index. The rollups
// that count them are left alone (reports and the dashboard read those).
import { sql } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

/** Deletes up to `limit` events of `kind` with ts < cutoff; resolves to how many went. */
export async function deleteClickEventsBefore(db: Queryable, kind: 'click' | 'bot', cutoff: Date, limit: number): Promise<number> {
  return clientOf(db).$executeRaw(
    sql`DELETE FROM metric_events WHERE id IN (SELECT id FROM metric_events WHERE kind = ${kind} AND ts < ${cutoff} ORDER BY ts LIMIT ${limit})`,
  )
}
