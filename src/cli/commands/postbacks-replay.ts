import { openDatabase } from '../../db/client.ts'
import { loadPostbackNetwork } from '../../postbacks/network-cache.ts'
import { replayPostbacks } from '../../postbacks/replay.ts'
import { postbackAnswer } from '../../http/postback-answer.ts'
import { optionValue, parseArgs, UsageError } from '../args.ts'
import type { Command } from '../command.ts'
import { printTable } from './onboarding-cli.ts'

const USAGE = 'postbacks:replay [--id <log id>]… [--limit 1000] [--dry-run]'

export const postbacksReplay: Command = {
  name: 'postbacks:replay',
  summary: 'replay logged postbacks that were rejected or failed, once their cause is fixed (idempotent)',
  usage: USAGE,
  async run(args, { config, out }) {
    let parsed
    const ids: number[] = []
    try {
      // --id may repeat: collect them before the generic parser keeps the last.
      const rest: string[] = []
      for (let i = 0; i < args.length; i++) {
        if (args[i] === '--id') ids.push(Number(args[++i]))
        else if (args[i]!.startsWith('--id=')) ids.push(Number(args[i]!.slice(5)))
        else rest.push(args[i]!)
      }
      if (ids.some((id) => !Number.isInteger(id) || id <= 0)) throw new UsageError('--id takes a log id (a number)')
      parsed = parseArgs(rest, { values: ['limit'], flags: ['dry-run'] })
    } catch (err) {
      if (err instanceof UsageError) {
        console.error(`${err.message}\nusage: ${USAGE}`)
        return 2
      }
      throw err
    }
    const database = await openDatabase(config.databaseUrl)
    try {
      const results = await replayPostbacks(
        {
          database,
          fxRates: config.fxRates,
          salt: config.ipHashSalt,
          networks: (slug) => loadPostbackNetwork(database, slug),
          onError: (err, stage) => {
            console.error(`${stage}: ${err instanceof Error ? err.message : String(err)}`)
          },
        },
        { ids: ids.length ? ids : undefined, limit: Number(optionValue(parsed, 'limit') ?? 1000), dryRun: parsed.options.has('dry-run') },
      )
      printTable(
        out,
        results.map((r) => ({
          ...r,
          result: r.skipped ? `skipped: ${r.skipped}` : (r.after ?? '(dry run)'),
          // What the network would have been answered.
          status: r.verdict ? postbackAnswer(r.verdict).status : null,
        })),
        ['logId', 'network', 'before', 'result', 'status', 'reason'],
      )
      const applied = results.filter((r) => r.after === 'accepted' || r.after === 'updated' || r.after === 'duplicate').length
      out(
        `\n${results.length} log line(s) considered, ${applied} now applied${parsed.options.has('dry-run') ? ' (dry run: nothing written)' : ''}.`,
      )
      return 0
    } finally {
      await database.close()
    }
  },
}
