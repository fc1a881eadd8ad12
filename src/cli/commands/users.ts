// npm run cli -- users …: the people who sign in to the console. The first owner
// comes from here: `users add --email … --name … --role owner` asks for the
// password on a terminal (twice, not echoed); off a terminal it generates one
// and prints it once.
import { optionValue, parseArgs, UsageError } from '../args.ts'
import type { CliContext } from '../command.ts'
import { generatePassword } from '../../accounts/passwords.ts'
import { createUser, listUsers, setDisabled, setPassword, userByEmail, type AccountContext } from '../../accounts/users.ts'
import { onboardingCommand, printRecord, printTable, type Subcommand } from './onboarding-cli.ts'

const USAGE_LINES = [
  'users list',
  'users add --email <email> --name <name> --role owner|ops|viewer',
  'users password --email <email>',
  'users disable --email <email>',
  'users enable --email <email>',
]

/** Reads one line from the terminal without echoing it. */
function readHidden(prompt: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const stdin = process.stdin
    process.stdout.write(prompt)
    let line = ''
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') {
          done()
          return
        }
        if (ch === '\u0003') {
          done(new Error('interrupted'))
          return
        }
        if (ch === '\u007f' || ch === '\b') line = Array.from(line).slice(0, -1).join('')
        else line += ch
      }
    }
    const done = (err?: Error) => {
      stdin.off('data', onData)
      stdin.setRawMode(false)
      stdin.pause()
      process.stdout.write('\n')
      if (err) reject(err)
      else resolve(line)
    }
    stdin.setRawMode(true)
    stdin.resume()
    stdin.on('data', onData)
  })
}

/** The new password: typed twice on a terminal, else generated (and then printed). */
async function newPassword(cli: CliContext): Promise<{ password: string; generated: boolean }> {
  if (!process.stdin.isTTY) return { password: generatePassword(), generated: true }
  const first = await readHidden('Mot de passe (12 caractères au moins, vide = en générer un) : ')
  if (first === '') return { password: generatePassword(), generated: true }
  const again = await readHidden('Encore une fois : ')
  if (again !== first) throw new UsageError('les deux saisies diffèrent')
  cli.out('')
  return { password: first, generated: false }
}

async function userIdByEmail(ctx: AccountContext, email: string | undefined): Promise<number> {
  return (await userByEmail(ctx, email)).id
}

const accountsOf = (o: { database: AccountContext['database'] }): AccountContext => ({ database: o.database, actor: 'cli' })

const disableOrEnable: Subcommand = async (rest, o) => {
  const ctx = accountsOf(o)
  const parsed = parseArgs(rest, { values: ['email'] })
  const id = await userIdByEmail(ctx, optionValue(parsed, 'email'))
  const user = await setDisabled(ctx, id, o.sub === 'disable')
  o.cli.out(`${user.email}: ${o.sub === 'disable' ? 'disabled, every session ended' : 'enabled'}`)
}

export const users = onboardingCommand({
  name: 'users',
  summary: 'list or add console accounts, reset a password, disable or enable one',
  usage: 'users list | add --email … --name … --role owner|ops|viewer | password|disable|enable --email …',
  usageLines: USAGE_LINES,
  subcommands: {
    list: async (_rest, o) => {
      const { cli } = o
      const ctx = accountsOf(o)
      printTable(cli.out, await listUsers(ctx), ['id', 'email', 'name', 'role', 'disabledAt', 'createdAt'])
    },
    add: async (rest, o) => {
      const { cli } = o
      const ctx = accountsOf(o)
      const parsed = parseArgs(rest, { values: ['email', 'name', 'role'] })
      // Checked before the password is asked for.
      const input = { email: optionValue(parsed, 'email'), name: optionValue(parsed, 'name'), role: optionValue(parsed, 'role') }
      if (!input.email || !input.name || !input.role) throw new UsageError('--email, --name and --role are required')
      const { password, generated } = await newPassword(cli)
      const user = await createUser(ctx, { ...input, password })
      printRecord(cli.out, { id: user.id, email: user.email, name: user.name, role: user.role })
      if (generated) cli.out(`password  ${password}   (shown once: hand it over by another channel)`)
    },
    password: async (rest, o) => {
      const { cli } = o
      const ctx = accountsOf(o)
      const parsed = parseArgs(rest, { values: ['email'] })
      const id = await userIdByEmail(ctx, optionValue(parsed, 'email'))
      const { password, generated } = await newPassword(cli)
      const user = await setPassword(ctx, id, password)
      cli.out(`${user.email}: password replaced, every session ended`)
      if (generated) cli.out(`password  ${password}   (shown once)`)
    },
    disable: disableOrEnable,
    enable: disableOrEnable,
  },
})
