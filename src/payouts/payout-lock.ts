// Every change to a partner's money or hold state runs in one transaction that
// first takes the partner's lock, so that a payout's checks (hold, balance, state)
// and its write are atomic against any other payout or hold change of the same
// partner — across server instances too, since the lock is the database's:
// PostgreSQL locks the partner row (SELECT … FOR UPDATE); SQLite has one writer
// and its transactions already run one at a time.
import type { Database, Prisma } from '../db/client.ts'
import { NotFound } from '../errors.ts'

export type Tx = Prisma.TransactionClient

export async function withPartnerLocked<T>(
  database: Pick<Database, 'prisma' | 'provider'>,
  partnerId: number,
  work: (tx: Tx) => Promise<T>,
): Promise<T> {
  return database.prisma.$transaction(
    async (tx) => {
      const found =
        database.provider === 'postgresql'
          ? await tx.$queryRaw<{ id: number }[]>`SELECT id FROM partners WHERE id = ${partnerId} FOR UPDATE`
          : await tx.$queryRaw<{ id: number }[]>`SELECT id FROM partners WHERE id = ${partnerId}`
      if (found.length === 0) throw new NotFound(`partenaire #${partnerId} introuvable`)
      return work(tx)
    },
    { timeout: 15_000, maxWait: 15_000 },
  )
}
