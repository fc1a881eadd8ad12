// PostgreSQL plans a statement again for every unnamed query; a named one is
// parsed and planned once per connection, then only executed. Prisma's pg adapter
// names a query when its statementNameGenerator returns a name: we name only the
// statements registered here (the hottest, whose text never changes), so the
// client's own queries stay unnamed and no connection collects plans.
import type { SqlQuery } from '@prisma/driver-adapter-utils'

const names = new Map<string, string>()

/** Registers `sql` under `name` (once per process) and returns it unchanged. */
export function namedStatement(name: string, sql: string): string {
  const taken = [...names].find(([text, n]) => n === name && text !== sql)
  if (taken) throw new Error(`statement name ${name} is already given to another statement`)
  names.set(sql, name)
  return sql
}

/** For PrismaPg's statementNameGenerator: a registered statement's name, else none (pg reads '' as unnamed). */
export const statementName = (query: SqlQuery): string => nameOf(query.sql)

/** A registered statement's name, else '' (unnamed). */
export const nameOf = (sql: string): string => names.get(sql) ?? ''
