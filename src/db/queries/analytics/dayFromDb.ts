// A day column as a Date: PostgreSQL's driver gives Dates; SQLite's raw rows give
// the stored epoch milliseconds (a number or bigint).
import { toNumber } from '../../sql.ts'

export function dayFromDb(v: unknown): Date {
  if (v instanceof Date) return v
  if (typeof v === 'string' && !/^\d+$/.test(v)) return new Date(Date.parse(v))
  return new Date(toNumber(v))
}
