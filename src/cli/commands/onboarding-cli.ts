// Shared plumbing of the onboarding commands: open the database, run one
// operation, print its result, turn the domain's refusals into one clear line.
import { ZodError } from 'zod'
import { openDatabase, type Database } from '../../db/client.ts'
import { DomainError } from '../../errors.ts'
import type { OnboardingContext } from '../../onboarding/networks.ts'
import { publicBaseUrl } from '../../onboarding/public-base.ts'
import { UsageError } from '../args.ts'
import type { CliContext, Command } from '../command.ts'

export interface OnboardingRun {
  ctx: OnboardingContext
  database: Database
  baseUrl: string
}

export async function withOnboarding(cli: CliContext, usage: string, run: (o: OnboardingRun) => Promise<void>): Promise<number> {
  let database: Database | undefined
  try {
    // No migration here: the schema engine cannot take its lock on an SQLite file a
    // running server has open. A database without tables says so below.
    database = await openDatabase(cli.config.databaseUrl)
    await run({ ctx: { database, fxRates: cli.config.fxRates, actor: 'cli' }, database, baseUrl: publicBaseUrl(cli.config) })
    return 0
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`${err.message}\nusage: ${usage}`)
      return 2
    }
    if (err instanceof ZodError) {
      console.error(err.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('\n'))
      return 1
    }
    if (err instanceof DomainError) {
      console.error(err.message)
      return 1
    }
    if ((err as { code?: unknown }).code === 'P2021') {
      console.error('The database has no tables yet: run `npm run db:migrate` (npm start does it too).')
      return 1
    }
    throw err
  } finally {
    await database?.close()
  }
}

/** One subcommand: its arguments after the name, the opened database, the CLI. */
export type Subcommand = (rest: string[], run: OnboardingRun & { cli: CliContext; sub: string }) => Promise<void>

/** An onboarding command (`networks`, `offers`, …): its subcommands by name, dispatched on the first argument. */
export function onboardingCommand(spec: {
  name: string
  summary: string
  usage: string
  /** One line per subcommand, for the usage message of a wrong call. */
  usageLines: string[]
  subcommands: Record<string, Subcommand>
}): Command {
  const names = Object.keys(spec.subcommands)
  const which = `${names.slice(0, -1).join(', ')} or ${names.at(-1)!}?`
  return {
    name: spec.name,
    summary: spec.summary,
    usage: spec.usage,
    run: (args, cli) =>
      withOnboarding(cli, spec.usageLines.join('\n       '), async (o) => {
        const [sub, ...rest] = args
        if (sub === undefined) throw new UsageError(which)
        const handler = Object.hasOwn(spec.subcommands, sub) ? spec.subcommands[sub] : undefined
        if (!handler) throw new UsageError(`unknown subcommand "${sub}"`)
        await handler(rest, { ...o, cli, sub })
      }),
  }
}

function recordText(v: unknown): string {
  if (v instanceof Date) return v.toISOString()
  if (typeof v === 'object' && v !== null) return JSON.stringify(v)
  return String(v)
}

/** Prints an object as aligned "key  value" lines. */
export function printRecord(out: (line: string) => void, record: Record<string, unknown>) {
  const width = Math.max(...Object.keys(record).map((k) => k.length))
  for (const [k, v] of Object.entries(record)) out(`${k.padEnd(width)}  ${recordText(v)}`)
}

export function printTable(out: (line: string) => void, rows: readonly object[], columns: string[]) {
  if (rows.length === 0) {
    out('(none)')
    return
  }
  // Table cells are text, numbers, booleans and dates.
  type Cell = string | number | boolean | Date | null | undefined
  const cell = (v: Cell) =>
    v instanceof Date ? v.toISOString().slice(0, 16).replace('T', ' ') : v === null || v === undefined ? '' : String(v)
  const at = (r: object, c: string) => (r as Record<string, Cell>)[c]
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(at(r, c)).length)))
  out(columns.map((c, i) => c.padEnd(widths[i]!)).join('  '))
  for (const r of rows)
    out(
      columns
        .map((c, i) => cell(at(r, c)).padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
}
