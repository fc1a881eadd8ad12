// Portal sign-in links (portal_links): rows keyed by the SHA-256 of the token
// the email carries, never the token; single use by a conditional update.
import { sql } from '../sql.ts'
import { clientOf, type Queryable } from './access.ts'

export async function insertPortalLink(
  db: Queryable,
  row: { id: string; partnerId: number; createdAt: Date; expiresAt: Date },
): Promise<void> {
  await clientOf(db).portalLink.create({ data: row })
}

/**
 * Marks a link used if it is unused and not expired at `now`; the partner's id
 * when this call used it, null otherwise (unknown, used, expired): two clicks
 * on one link sign in once.
 */
export async function usePortalLink(db: Queryable, id: string, now: Date): Promise<number | null> {
  const client = clientOf(db)
  const { count } = await client.portalLink.updateMany({ where: { id, usedAt: null, expiresAt: { gt: now } }, data: { usedAt: now } })
  if (count === 0) return null
  const row = await client.portalLink.findUnique({ where: { id }, select: { partnerId: true } })
  return row?.partnerId ?? null
}

export async function deletePortalLinksExpiredBefore(db: Queryable, before: Date): Promise<void> {
  await clientOf(db).portalLink.deleteMany({ where: { expiresAt: { lt: before } } })
}

/** The partner whose email this is (any case), the lowest id when several share it. */
export async function partnerIdByEmail(db: Queryable, email: string): Promise<number | null> {
  const rows = await clientOf(db).$queryRaw<{ id: unknown }[]>(
    sql`SELECT id FROM partners WHERE lower(email) = ${email} ORDER BY id LIMIT 1`,
  )
  return rows.length === 0 ? null : Number(rows[0]!.id)
}
