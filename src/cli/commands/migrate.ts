import { applyMigrations } from '../../db/migrator.ts'
import { providerOf } from '../../db/provider.ts'
import type { Command } from '../command.ts'

export const migrate: Command = {
  name: 'migrate',
  summary: 'apply pending database migrations (also done by npm start)',
  async run(_args, { config, out }) {
    const applied = await applyMigrations(config.databaseUrl)
    const where = providerOf(config.databaseUrl)
    out(applied.length ? `${where}: applied ${applied.join(', ')}` : `${where}: database is up to date`)
    return 0
  },
}
