import { parseArgs, UsageError } from '../args.ts'
import { createNetwork, listNetworks, postbackSetup, updateNetwork } from '../../onboarding/networks.ts'
import { onboardingCommand, printRecord, printTable } from './onboarding-cli.ts'

const USAGE_LINES = [
  'networks list',
  'networks add --slug <slug> --name <name> [--preset generic|keitaro|everflow|tune|cake|impact|awin|binom|voluum|redtrack|cj|rakuten|partnerstack] [--subid-param <param>]',
  '             [--separator ":"|"_"|"-"] [--token <token>] [--allowed-ips "<ip or cidr>,…"] [--currency EUR] [--status-words \'{"sale":"confirmed"}\']',
  'networks update <slug> [same options as add, without --slug] [--rotate-token] [--no-token]',
  'networks postback-url <slug>',
]

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

export const networks = onboardingCommand({
  name: 'networks',
  summary: 'list, add or change affiliate networks; print the postback URL to paste into one',
  usage: 'networks list | add --slug … --name … | update <slug> … | postback-url <slug>  (run `networks` for every option)',
  usageLines: USAGE_LINES,
  subcommands: {
    list: async (_rest, { ctx, cli }) => {
      const rows = await listNetworks(ctx)
      printTable(
        cli.out,
        rows.map((n) => ({ ...n, allowedIps: n.allowedIps.join(','), token: n.hasToken ? 'yes' : 'no' })),
        ['slug', 'name', 'preset', 'subidParam', 'subidSeparator', 'defaultCurrency', 'token', 'allowedIps'],
      )
    },
    add: async (rest, { ctx, baseUrl, cli }) => {
      const parsed = parseArgs(rest, { values: VALUES })
      const network = await createNetwork(ctx, networkInput(parsed.options))
      printRecord(cli.out, { ...network })
      cli.out('')
      cli.out('Postback URL to paste into the network:')
      cli.out(
        (await postbackSetup(ctx, network.slug, baseUrl)).url ?? '(none: this platform sends no postback; see `networks postback-url`)',
      )
    },
    update: async (rest, { ctx, cli }) => {
      const parsed = parseArgs(rest, { values: VALUES.filter((v) => v !== 'slug'), flags: ['rotate-token', 'no-token'] })
      const slug = parsed.positionals[0]
      if (!slug) throw new UsageError('which network?')
      const input = networkInput(parsed.options)
      if (parsed.options.has('rotate-token')) input.rotateToken = true
      if (parsed.options.has('no-token')) input.postbackToken = null
      printRecord(cli.out, { ...(await updateNetwork(ctx, slug, input)) })
    },
    'postback-url': async (rest, { ctx, baseUrl, cli }) => {
      const slug = rest[0]
      if (!slug) throw new UsageError('which network?')
      const setup = await postbackSetup(ctx, slug, baseUrl)
      cli.out(setup.url ?? '(no postback URL: this platform sends no postback)')
      cli.out(`(${setup.label}: ${setup.note} Tracked links add ${setup.tracking}.)`)
      for (const line of setup.instructions) cli.out(`- ${line}`)
    },
  },
})
