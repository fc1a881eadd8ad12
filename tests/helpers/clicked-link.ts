// A network, a partner, an offer, a posted assignment and one recorded click,
// written straight to a blank test database: what a postback needs to be booked
// as a clean, attributed conversion. Gives the sub-id the network echoes back.
import { insertClickEvents } from '../../src/db/hot/index.ts'
import type { TestDatabase } from './databases.ts'

export async function seedClickedLink(
  t: TestDatabase,
  link: { slug: string; token: string; code: string; clickId: string },
): Promise<string> {
  const { db } = t
  const network = await db.network.create({ data: { slug: link.slug, name: link.slug.toUpperCase(), postbackToken: link.token } })
  const partner = await db.partner.create({ data: { name: 'P' } })
  const offer = await db.offer.create({ data: { networkId: network.id, name: 'O', url: 'https://a.example/' } })
  const a = await db.assignment.create({ data: { partnerId: partner.id, offerId: offer.id, code: link.code, status: 'posted' } })
  await insertClickEvents(t.database, [
    {
      kind: 'click',
      ts: new Date(),
      partnerId: partner.id,
      assignmentId: a.id,
      offerId: offer.id,
      clickId: link.clickId,
      visitorHash: null,
      userAgent: null,
      referer: null,
      isUnique: true,
    },
  ])
  return `${partner.id}:${a.id}:${link.clickId}`
}
