import { optionValue, parseArgs, UsageError } from '../args.ts'
import { createAssignment, listAssignments, updateAssignment } from '../../onboarding/assignments.ts'
import { onboardingCommand, printRecord, printTable } from './onboarding-cli.ts'

const USAGE_LINES = [
  'assignments list [--partner <id>]',
  'assignments add --partner <id> --offer <id> [--status pending|approved|posted]',
  'assignments status <id> pending|approved|posted|failed',
]

export const assignments = onboardingCommand({
  name: 'assignments',
  summary: "list or add assignments (a partner's content for an offer, with its tracked link); change their status",
  usage: 'assignments list | add --partner <id> --offer <id> [--status …] | status <id> <status>',
  usageLines: USAGE_LINES,
  subcommands: {
    list: async (rest, { ctx, baseUrl, cli }) => {
      const parsed = parseArgs(rest, { values: ['partner'] })
      const partner = optionValue(parsed, 'partner')
      printTable(cli.out, await listAssignments(ctx, baseUrl, partner ? { partnerId: Number(partner) } : {}), [
        'id',
        'partnerId',
        'offerId',
        'status',
        'link',
      ])
    },
    add: async (rest, { ctx, baseUrl, cli }) => {
      const parsed = parseArgs(rest, { values: ['partner', 'offer', 'status'] })
      const status = optionValue(parsed, 'status')
      const input = { partnerId: optionValue(parsed, 'partner'), offerId: optionValue(parsed, 'offer'), ...(status ? { status } : {}) }
      printRecord(cli.out, { ...(await createAssignment(ctx, input, baseUrl)) })
    },
    status: async (rest, { ctx, baseUrl, cli }) => {
      const [id, status] = rest
      if (!id || !status) throw new UsageError('which assignment, and which status?')
      printRecord(cli.out, { ...(await updateAssignment(ctx, Number(id), { status }, baseUrl)) })
      cli.out('(a running server applies this within its link-cache TTL, 15 s)')
    },
  },
})
