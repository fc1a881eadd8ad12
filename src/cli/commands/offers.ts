import { optionValue, parseArgs, UsageError } from '../args.ts'
import { createOffer, listOffers, updateOffer } from '../../onboarding/offers.ts'
import { onboardingCommand, printRecord, printTable, type Subcommand } from './onboarding-cli.ts'

function offerId(text: string | undefined): number {
  const id = Number(text)
  if (!text || !Number.isInteger(id) || id <= 0) throw new UsageError('which offer (a number)?')
  return id
}

const pauseOrResume: Subcommand = async (rest, { ctx, cli, sub }) => {
  printRecord(cli.out, { ...(await updateOffer(ctx, offerId(rest[0]), { active: sub === 'resume' })) })
  cli.out('(a running server applies this within its link-cache TTL, 15 s)')
}

export const offers = onboardingCommand({
  name: 'offers',
  summary: 'list, add, pause or resume offers (an advertiser URL on a network)',
  usage: 'offers list | add --network … --name … --url … | pause <id> | resume <id> | update <id> …',
  usageLines: [
    'offers list [--network <slug>]',
    'offers add --network <slug> --name <name> --url <advertiser URL>',
    'offers pause <id> | offers resume <id>',
    'offers update <id> [--name <name>] [--url <url>]',
  ],
  subcommands: {
    list: async (rest, { ctx, cli }) => {
      const parsed = parseArgs(rest, { values: ['network'] })
      printTable(cli.out, await listOffers(ctx, { network: optionValue(parsed, 'network') }), ['id', 'network', 'name', 'active', 'url'])
    },
    add: async (rest, { ctx, cli }) => {
      const parsed = parseArgs(rest, { values: ['network', 'name', 'url'] })
      printRecord(cli.out, {
        ...(await createOffer(ctx, {
          network: optionValue(parsed, 'network'),
          name: optionValue(parsed, 'name'),
          url: optionValue(parsed, 'url'),
        })),
      })
    },
    pause: pauseOrResume,
    resume: pauseOrResume,
    update: async (rest, { ctx, cli }) => {
      const parsed = parseArgs(rest, { values: ['name', 'url'] })
      const input: Record<string, string> = {}
      for (const k of ['name', 'url']) {
        const v = optionValue(parsed, k)
        if (v !== undefined) input[k] = v
      }
      printRecord(cli.out, { ...(await updateOffer(ctx, offerId(parsed.positionals[0]), input)) })
    },
  },
})
