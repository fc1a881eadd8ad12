import type { Config } from '../config.ts'

export interface CliContext {
  config: Config
  /** Where the command writes what the operator reads. */
  out: (line: string) => void
}

export interface Command {
  name: string
  /** One line for `help`. */
  summary: string
  usage?: string
  /** Resolves to the process's exit code. */
  run(args: string[], ctx: CliContext): Promise<number>
}
