// Ops make a sign-in link for a partner (POST /admin/api/partners/:id/portal-link),
// to hand over by their own channel: the same single-use, 15-minute link as the
// emailed one, audited (who made it for whom; never the token).
import type { Database } from '../db/client.ts'
import { inTransaction } from '../db/queries/access.ts'
import { partnerById } from '../db/queries/partners.ts'
import { NotFound } from '../errors.ts'
import { audit } from '../onboarding/audit.ts'
import { makeSignInToken, signInUrl } from './magic-links.ts'

export const PORTAL_LINK_AUDIT = 'partner.portal_link'

export async function opsSignInLink(
  ctx: { database: Pick<Database, 'prisma'>; actor: string; baseUrl: string },
  partnerId: number,
  now = new Date(),
): Promise<{ url: string; expiresAt: Date }> {
  const token = await inTransaction(ctx.database, async (tx) => {
    if (!(await partnerById(tx, partnerId))) throw new NotFound(`partenaire #${partnerId} introuvable`)
    const made = await makeSignInToken(tx, partnerId, now)
    await audit(tx, ctx.actor, PORTAL_LINK_AUDIT, `partner:${partnerId}`, { expiresInMinutes: 15 })
    return made
  })
  return { url: signInUrl(ctx.baseUrl, token), expiresAt: new Date(now.getTime() + 15 * 60_000) }
}
