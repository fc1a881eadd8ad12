// The sketch's "Vérif" step: fire one postback at a running server by hand and
// show its answer. It is a real postback (duplicate-safe by its txn id): by
// default a pending conversion of 1.00 on the network's latest click, which the
// operator can reject afterwards with --status rejected and the same --txn.
import { openDatabase } from '../../db/client.ts'
import { latestClickOfNetwork, networkBySlugOrNull } from '../../onboarding/networks.ts'
import { publicBaseUrl } from '../../onboarding/public-base.ts'
import { formatSubid, type SubidSeparator } from '../../tracking/subid.ts'
import { optionValue, parseArgs, UsageError } from '../args.ts'
import type { Command } from '../command.ts'

const USAGE =
  'postback:test --network <slug> [--server <url>] [--subid <pid:aid:clk>] [--amount 1.00] [--currency EUR] [--status pending] [--txn <id>] [--token <t>] [--post]'

export const postbackTest: Command = {
  name: 'postback:test',
  summary: 'fire one postback at a running server by hand and print its answer',
  usage: USAGE,
  async run(args, { config, out }) {
    let parsed
    try {
      parsed = parseArgs(args, { values: ['network', 'server', 'subid', 'amount', 'currency', 'status', 'txn', 'token'], flags: ['post'] })
      if (!optionValue(parsed, 'network')) throw new UsageError('--network is required')
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`${err.message}\nusage: ${USAGE}`)
        return 2
      }
      throw err
    }
    const slug = optionValue(parsed, 'network')!
    let token = optionValue(parsed, 'token')
    let subid = optionValue(parsed, 'subid')
    if (!token || !subid) {
      const database = await openDatabase(config.databaseUrl)
      try {
        const network = await networkBySlugOrNull(database, slug)
        if (!network) {
          console.error(`no network "${slug}" in ${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}`)
          return 1
        }
        token ??= network.postbackToken ?? undefined
        if (!subid) {
          const click = await latestClickOfNetwork(database, network.id)
          if (!click?.partnerId || !click.assignmentId) {
            console.error(`no click yet on ${slug}'s links: open a tracked link once, or give --subid`)
            return 1
          }
          subid = formatSubid(
            { partnerId: click.partnerId, assignmentId: click.assignmentId, clickId: click.clickId },
            network.subidSeparator as SubidSeparator,
          )
        }
      } finally {
        await database.close()
      }
    }
    const server = (
      optionValue(parsed, 'server') ??
      publicBaseUrl({ ...config, host: ['0.0.0.0', '::'].includes(config.host) ? '127.0.0.1' : config.host })
    ).replace(/\/+$/, '')
    const params = new URLSearchParams({
      network: slug,
      ...(token ? { token } : {}),
      subid,
      txn_id: optionValue(parsed, 'txn') ?? `TEST-${Date.now()}`,
      amount: optionValue(parsed, 'amount') ?? '1.00',
      currency: optionValue(parsed, 'currency') ?? 'EUR',
      status: optionValue(parsed, 'status') ?? 'pending',
    })
    const post = parsed.options.has('post')
    const url = `${server}/aff/postback${post ? '' : `?${params}`}`
    const shown = new URLSearchParams(params)
    if (token) shown.set('token', '***')
    out(`${post ? 'POST' : 'GET'} ${server}/aff/postback?${shown}`)
    let res: Response
    try {
      res = await fetch(
        url,
        post ? { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: params.toString() } : {},
      )
    } catch (err) {
      console.error(`no answer from ${server}: ${(err as Error).message} (is the server running? --server sets where)`)
      return 1
    }
    out(`→ ${res.status} ${(await res.text()).trim()}`)
    if (res.ok)
      out(
        `txn_id ${params.get('txn_id')}: the same command again is a duplicate; --status rejected --txn ${params.get('txn_id')} takes it back out.`,
      )
    return res.ok ? 0 : 1
  },
}
