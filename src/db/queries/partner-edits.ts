// Partners: the one write of a partner's identity after its creation.
import type { DbWriter } from '../client.ts'
import type { PartnerIdentity } from './partners.ts'

/** Changes a partner's name and e-mail (its money is the ledger's, untouched). */
export function updatePartnerById(db: DbWriter, id: number, data: { name: string; email: string | null }): Promise<PartnerIdentity> {
  return db.partner.update({ where: { id }, data, select: { id: true, name: true, email: true, createdAt: true } })
}
