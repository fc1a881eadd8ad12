import { parseArgs, UsageError } from '../args.ts'
import type { Command } from '../command.ts'
import { createNetwork, listNetworks, postbackSetup, updateNetwork } from '../../onboarding/networks.ts'
import { printRecord, printTable, withOnboarding } from './onboarding-cli.ts'

const USAGE = [
  'networks list',
  'networks add --slug <slug> --name <name> [--preset generic|keitaro|everflow|tune|cake|impact] [--subid-param <param>]',
  '             [--separator ":"|"_"|"-"] [--token <token>] [--allowed-ips "<ip or cidr>,…"] [--currency EUR] [--status-words \'{"sale":"confirmed"}\']',
  'networks update <slug> [same options as add, without --slug] [--rotate-token] [--no-token]',
  'networks postback-url <slug>',
].join('\n       ')

const VALUES = ['slug', 'name', 'preset', 'subid-param', 'separator', 'token', 'allowed-ips', 'currency', 'status-words']

function networkInput(options: Map<string, string | true>): Record<string, unknown> {
  const input: Record<string, unknown> = {}
  const map: Record<string, string> = {
    slug: 'slug',
    name: 'name',
    preset: 'preset',
    'subid-param': 'subidParam',
    separator: 'subidSeparator',
    token: 'postbackToken',
    'allowed-ips': 'allowedIps',
    currency: 'defaultCurrency',
  }
  for (const [flag, key] of Object.entries(map)) {
    const v = options.get(flag)
    if (typeof v === 'string') input[key] = v
  }
  const words = options.get('status-words')
  if (typeof words === 'string') {
    try {
      input.statusWords = JSON.parse(words)
    } catch {
      throw new UsageError('--status-words must be a JSON object, e.g. \'{"sale":"confirmed","lead":"pending"}\'')
    }
  }
  return input
}

export const networks: Command = {
  name: 'networks',
  summary: 'list, add or change affiliate networks; print the postback URL to paste into one',
  usage: 'networks list | add --slug … --name … | update <slug> … | postback-url <slug>  (run `networks` for every option)',
  run: (args, cli) =>
    withOnboarding(cli, USAGE, async ({ ctx, baseUrl }) => {
      const [sub, ...rest] = args
      if (sub === 'list') {
        const rows = await listNetworks(ctx)
        printTable(
          cli.out,
          rows.map((n) => ({ ...n, allowedIps: n.allowedIps.join(','), token: n.hasToken ? 'yes' : 'no' })),
          ['slug', 'name', 'preset', 'subidParam', 'subidSeparator', 'defaultCurrency', 'token', 'allowedIps'],
        )
      } else if (sub === 'add') {
        const parsed = parseArgs(rest, { values: VALUES })
        const network = await createNetwork(ctx, networkInput(parsed.options))
        printRecord(cli.out, { ...network })
        cli.out('')
        cli.out('Postback URL to paste into the network:')
        cli.out((await postbackSetup(ctx, network.slug, baseUrl)).url)
      } else if (sub === 'update') {
        const parsed = parseArgs(rest, { values: VALUES.filter((v) => v !== 'slug'), flags: ['rotate-token', 'no-token'] })
        const slug = parsed.positionals[0]
        if (!slug) throw new UsageError('which network?')
        const input = networkInput(parsed.options)
        if (parsed.options.has('rotate-token')) input.rotateToken = true
        if (parsed.options.has('no-token')) input.postbackToken = null
        printRecord(cli.out, { ...(await updateNetwork(ctx, slug, input)) })
      } else if (sub === 'postback-url') {
        const slug = rest[0]
        if (!slug) throw new UsageError('which network?')
        const setup = await postbackSetup(ctx, slug, baseUrl)
        cli.out(setup.url)
        cli.out(`(${setup.label}: ${setup.note} Tracked links add ${setup.tracking}.)`)
      } else {
        throw new UsageError(sub ? `unknown subcommand "${sub}"` : 'list, add, update or postback-url?')
      }
    }),
}
