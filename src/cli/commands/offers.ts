import { optionValue, parseArgs, UsageError } from '../args.ts'
import type { Command } from '../command.ts'
import { createOffer, listOffers, updateOffer } from '../../onboarding/offers.ts'
import { printRecord, printTable, withOnboarding } from './onboarding-cli.ts'

const USAGE = [
  'offers list [--network <slug>]',
  'offers add --network <slug> --name <name> --url <advertiser URL>',
  'offers pause <id> | offers resume <id>',
  'offers update <id> [--name <name>] [--url <url>]',
].join('\n       ')

function offerId(text: string | undefined): number {
  const id = Number(text)
  if (!text || !Number.isInteger(id) || id <= 0) throw new UsageError('which offer (a number)?')
  return id
}

export const offers: Command = {
  name: 'offers',
  summary: 'list, add, pause or resume offers (an advertiser URL on a network)',
  usage: 'offers list | add --network … --name … --url … | pause <id> | resume <id> | update <id> …',
  run: (args, cli) =>
    withOnboarding(cli, USAGE, async ({ ctx }) => {
      const [sub, ...rest] = args
      if (sub === 'list') {
        const parsed = parseArgs(rest, { values: ['network'] })
        printTable(cli.out, await listOffers(ctx, { network: optionValue(parsed, 'network') }), ['id', 'network', 'name', 'active', 'url'])
      } else if (sub === 'add') {
        const parsed = parseArgs(rest, { values: ['network', 'name', 'url'] })
        printRecord(cli.out, {
          ...(await createOffer(ctx, {
            network: optionValue(parsed, 'network'),
            name: optionValue(parsed, 'name'),
            url: optionValue(parsed, 'url'),
          })),
        })
      } else if (sub === 'pause' || sub === 'resume') {
        printRecord(cli.out, { ...(await updateOffer(ctx, offerId(rest[0]), { active: sub === 'resume' })) })
        cli.out('(a running server applies this within its link-cache TTL, 15 s)')
      } else if (sub === 'update') {
        const parsed = parseArgs(rest, { values: ['name', 'url'] })
        const input: Record<string, string> = {}
        for (const k of ['name', 'url']) {
          const v = optionValue(parsed, k)
          if (v !== undefined) input[k] = v
        }
        printRecord(cli.out, { ...(await updateOffer(ctx, offerId(parsed.positionals[0]), input)) })
      } else {
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'list, add, pause, resume or update?')
      }
    }),
}
