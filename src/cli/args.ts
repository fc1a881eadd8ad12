// Tiny argv reader for operator commands: `--name value`, `--name=value`,
// bare flags, and positionals, with a clear error for unknown options.
export interface ParsedArgs {
  positionals: string[]
  options: Map<string, string | true>
}

export class UsageError extends Error {}

export function parseArgs(args: string[], known: { values?: string[]; flags?: string[] }): ParsedArgs {
  const values = new Set(known.values ?? [])
  const flags = new Set(known.flags ?? [])
  const options = new Map<string, string | true>()
  const positionals: string[] = []
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!
    if (!arg.startsWith('--')) {
      positionals.push(arg)
      continue
    }
    const eq = arg.indexOf('=')
    const name = arg.slice(2, eq === -1 ? undefined : eq)
    if (flags.has(name)) {
      if (eq !== -1) throw new UsageError(`--${name} takes no value`)
      options.set(name, true)
    } else if (values.has(name)) {
      const value = eq !== -1 ? arg.slice(eq + 1) : args[++i]
      if (value === undefined) throw new UsageError(`--${name} needs a value`)
      options.set(name, value)
    } else {
      throw new UsageError(`unknown option --${name}`)
    }
  }
  return { positionals, options }
}

export function optionValue(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.options.get(name)
  return typeof v === 'string' ? v : undefined
}
