// Every change to a partner's money or hold state runs in one transaction that
// first takes the partner's lock, so that a payout's checks (hold, balance, state)
// and its write are atomic against any other payout or hold change of the same
// partner — across server instances too, since the lock is the database's
// (lockPartner, src/db/queries/partners.ts).
import type { Database, DbWriter } from '../db/client.ts'
import { inTransaction } from '../db/queries/access.ts'
import { lockPartner } from '../db/queries/partners.ts'
import { NotFound } from '../errors.ts'

export type Tx = DbWriter

export async function withPartnerLocked<T>(
  database: Pick<Database, 'prisma' | 'provider'>,
  partnerId: number,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return inTransaction(
    database,
    async (tx) => {
      if (!(await lockPartner(tx, database.provider, partnerId))) throw new NotFound(`partenaire #${partnerId} introuvable`)
      return work(tx)
    },
    { timeout: 15_000, maxWait: 15_000 },
  )
}
