// The one way SQL is written: Prisma's `sql` tag (values always bound as
// parameters, never spliced), with its join/raw/empty helpers, and the one
// numeric helper for what drivers hand back as counts and sums.
import { Prisma } from '../generated/sqlite/client.ts'

export const sql = Prisma.sql
export const join = Prisma.join
export const raw = Prisma.raw
export const empty = Prisma.empty
export type Sql = Prisma.Sql

/** A count or sum as a number: SQLite gives numbers or bigints, PostgreSQL bigints, numerics as strings or Decimals. */
export function toNumber(v: unknown): number {
  if (v === null || v === undefined) return 0
  if (typeof v === 'number') return v
  if (typeof v === 'bigint' || typeof v === 'string') return Number(v)
  if (v instanceof Prisma.Decimal) return v.toNumber()
  throw new TypeError(`not a number from the database: ${typeof v}`)
}
