// Many rows as ONE bound parameter: a JSON array of row arrays that the database
// unpacks itself (SQLite jsonb_each, PostgreSQL jsonb_array_elements) into a row
// source for INSERT … SELECT, joins and UPDATE … FROM. Prisma's raw-query path
// pays per bound value (more per row than SQLite's own insert), and a statement whose text grows with the batch is parsed anew every time;
// this keeps one short statement and one parameter whatever the batch size.
import type { Provider } from '../provider.ts'
import { raw, sql, type Sql } from '../sql.ts'

/** `ms`: a timestamp as epoch milliseconds (SQLite stores exactly that, see client.ts). `bool`: 1 or 0. */
export type JsonColumnType = 'text' | 'int' | 'ms' | 'bool'
export type JsonColumn = readonly [name: string, type: JsonColumnType]
export type JsonValue = string | number | null

const NAME = /^[a-z_][a-z0-9_]*$/

function pgExpression(index: number, type: JsonColumnType): string {
  const v = `(r->>${index})`
  switch (type) {
    case 'text':
      return v
    case 'int':
      return `${v}::bigint`
    case 'bool':
      return `${v}::int = 1`
    case 'ms':
      // timestamp(3) columns hold UTC wall time.
      return `to_timestamp(${v}::bigint / 1000.0) AT TIME ZONE 'UTC'`
  }
}

/** The SELECT's text before and after its one value: the JSON array of rows. */
function selectAround(provider: Provider, columns: readonly JsonColumn[]): [before: string, after: string] {
  for (const [name] of columns) if (!NAME.test(name)) throw new Error(`bad column name ${name}`)
  if (provider === 'sqlite') {
    // jsonb_each: each row comes out in SQLite's binary JSON, which ->> reads directly;
    // json_each hands each row back as text that ->> parses again.
    const list = columns.map(([name], i) => `value->>${i} AS ${name}`).join(', ')
    return [`SELECT ${list} FROM jsonb_each(`, ')']
  }
  // jsonb likewise: each row is parsed once; on json, every ->> parses the row's text again.
  const list = columns.map(([name, type], i) => `${pgExpression(i, type)} AS ${name}`).join(', ')
  return [`SELECT ${list} FROM jsonb_array_elements(`, '::jsonb) AS r']
}

/** `SELECT <columns> FROM <the rows>`: use as `INSERT INTO t (…) ${select}` or `FROM (${select}) AS v`. */
export function jsonRowsSelect(provider: Provider, columns: readonly JsonColumn[], rows: readonly (readonly JsonValue[])[]): Sql {
  const [before, after] = selectAround(provider, columns)
  return sql`${raw(before)}${JSON.stringify(rows)}${raw(after)}`
}

/**
 * The same SELECT as text around `placeholder` (`?` on SQLite, `$n` on PostgreSQL),
 * for a statement built once and run with `$executeRawUnsafe(sql, JSON.stringify(rows))`:
 * the hottest statement (clicks) then skips the per-call template and name checks.
 */
export function jsonRowsSelectText(provider: Provider, columns: readonly JsonColumn[], placeholder: string): string {
  const [before, after] = selectAround(provider, columns)
  return before + placeholder + after
}

export const msOf = (d: Date | null | undefined): number | null => (d ? d.getTime() : null)
