import { optionValue, parseArgs, UsageError } from '../args.ts'
import type { Command } from '../command.ts'
import { createPartner, listPartners } from '../../onboarding/partners.ts'
import { printRecord, printTable, withOnboarding } from './onboarding-cli.ts'

const USAGE = ['partners list', 'partners add --name <name> [--email <email>]'].join('\n       ')

export const partners: Command = {
  name: 'partners',
  summary: 'list or add partners (publishers)',
  usage: 'partners list | add --name … [--email …]',
  run: (args, cli) =>
    withOnboarding(cli, USAGE, async ({ ctx }) => {
      const [sub, ...rest] = args
      if (sub === 'list') {
        printTable(cli.out, await listPartners(ctx), ['id', 'name', 'email', 'createdAt'])
      } else if (sub === 'add') {
        const parsed = parseArgs(rest, { values: ['name', 'email'] })
        const email = optionValue(parsed, 'email')
        printRecord(cli.out, { ...(await createPartner(ctx, { name: optionValue(parsed, 'name'), ...(email ? { email } : {}) })) })
      } else {
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'list or add?')
      }
    }),
}
