// Click events (kind "click") on the UTC days ≥ `day`, from the daily rollup.
import { sql, toNumber } from '../../sql.ts'
import { clientOf, type Queryable } from '../access.ts'

export async function rollupClicksFrom(db: Queryable, day: Date): Promise<number> {
  const rows = await clientOf(db).$queryRaw<{ n: unknown }[]>(
    sql`SELECT SUM(count) AS n FROM click_rollups WHERE kind = 'click' AND day >= ${day}`,
  )
  return toNumber(rows[0]?.n)
}
