// npm run cli -- <command> [args]: the operator's commands, over the same domain
// functions the server uses.
import { ConfigError, loadConfig } from '../config.ts'
import type { Command, CliContext } from './command.ts'
import { commands } from './commands/index.ts'

function help(out: (l: string) => void) {
  out('ContentFlow operator commands — npm run cli -- <command> [args]\n')
  const width = Math.max(...commands.map((c) => c.name.length))
  for (const c of commands) out(`  ${c.name.padEnd(width)}  ${c.summary}${c.usage ? `\n  ${' '.repeat(width)}  usage: ${c.usage}` : ''}`)
  out('\nConfiguration comes from the environment and .env (see .env.example).')
}

async function main(argv: string[]): Promise<number> {
  const out = (line: string) => {
    console.log(line)
  }
  const [name, ...args] = argv
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    help(out)
    return 0
  }
  const command: Command | undefined = commands.find((c) => c.name === name)
  if (!command) {
    console.error(`unknown command "${name}"\n`)
    help((l) => {
      console.error(l)
    })
    return 2
  }
  try {
    process.loadEnvFile('.env')
  } catch {
    // no .env file
  }
  let ctx: CliContext
  try {
    ctx = { config: loadConfig(), out }
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      return 1
    }
    throw err
  }
  return command.run(args, ctx)
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err)
    process.exit(1)
  },
)
