// Pruning the visitors' last clicks (click_visitors) that no longer decide
// anything: those a uniqueness window old. Bounded batches through the last_ts
// index, so the click batch never waits long behind a delete.
import { sql } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

/** Deletes up to `limit` visitors whose last click is before `cutoff`; resolves to how many went. */
export async function deleteClickVisitorsBefore(db: Queryable, cutoff: Date, limit: number): Promise<number> {
  return clientOf(db).$executeRaw(
    sql`DELETE FROM click_visitors WHERE (assignment_id, visitor_hash) IN (SELECT assignment_id, visitor_hash FROM click_visitors WHERE last_ts < ${cutoff} ORDER BY last_ts LIMIT ${limit})`,
  )
}
