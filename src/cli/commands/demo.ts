import { openDatabase } from '../../db/client.ts'
import { applyMigrations } from '../../db/migrator.ts'
import { generateDemoData, isEmpty } from '../../demo/demo-data.ts'
import type { Command } from '../command.ts'

export const demo: Command = {
  name: 'demo',
  summary: 'fill an empty database with a realistic 60-day demo data set',
  usage: 'demo [--seed N]',
  async run(args, { config, out }) {
    await applyMigrations(config.databaseUrl)
    const database = await openDatabase(config.databaseUrl)
    try {
      if (!(await isEmpty(database))) {
        out('The database already holds networks or partners: demo data only goes into an empty database.')
        out(`(DATABASE_URL=${config.databaseUrl.replace(/\/\/[^@]*@/, '//***@')}; point it elsewhere or remove the file.)`)
        return 1
      }
      const seedArg = args.indexOf('--seed')
      const seed = seedArg >= 0 ? Number(args[seedArg + 1]) : 42
      const started = Date.now()
      const s = await generateDemoData(database, { seed })
      out(
        `demo data: ${s.partners} partners, ${s.assignments} assignments, ${s.events} click events, ` +
          `${s.conversions} conversions, ${s.payouts} payouts (${((Date.now() - started) / 1000).toFixed(1)} s)`,
      )
      return 0
    } finally {
      await database.close()
    }
  },
}
