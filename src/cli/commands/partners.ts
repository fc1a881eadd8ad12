import { optionValue, parseArgs } from '../args.ts'
import { createPartner, listPartners } from '../../onboarding/partners.ts'
import { onboardingCommand, printRecord, printTable } from './onboarding-cli.ts'

export const partners = onboardingCommand({
  name: 'partners',
  summary: 'list or add partners (publishers)',
  usage: 'partners list | add --name … [--email …]',
  usageLines: ['partners list', 'partners add --name <name> [--email <email>]'],
  subcommands: {
    list: async (_rest, { ctx, cli }) => {
      printTable(cli.out, await listPartners(ctx), ['id', 'name', 'email', 'createdAt'])
    },
    add: async (rest, { ctx, cli }) => {
      const parsed = parseArgs(rest, { values: ['name', 'email'] })
      const email = optionValue(parsed, 'email')
      printRecord(cli.out, { ...(await createPartner(ctx, { name: optionValue(parsed, 'name'), ...(email ? { email } : {}) })) })
    },
  },
})
