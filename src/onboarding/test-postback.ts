// "Envoyer un postback de test" on a network's page. The test is a real postback:
// the route fires it at /aff/postback through the app, with the network's own
// slug and token, so it passes every check a network's postback passes. It books
// a real conversion, kept apart from everyone's money: status pending, amount 1
// in the network's default currency, txn id and click id "TEST-…", and a sub-id
// naming partner 0, so it belongs to no partner (flagged unknown_partner) and never
// takes the place of a real click's conversion. "Retirer" sends the same txn as
// rejected, again through /aff/postback.
import { randomBytes } from 'node:crypto'
import { InvalidInput, NotFound } from '../errors.ts'
import type { Queryable } from '../db/queries/access.ts'
import { networkBySlug } from '../db/queries/networks.ts'
import { TEST_TXN_PREFIX, testConversionsOf } from '../db/queries/test-conversions.ts'
import { formatSubid, type SubidSeparator } from '../tracking/subid.ts'
import { audit } from './audit.ts'
import type { OnboardingContext } from './networks.ts'

export { TEST_TXN_PREFIX }

export interface TestPostback {
  /** Path and query to fire (GET), token included: never shown nor logged as is. */
  url: string
  txnId: string
  currency: string
  networkId: number
}

const TEST_TXN = /^TEST-[A-Za-z0-9-]{1,58}$/

function newTestTxn(now: Date): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14)
  return `${TEST_TXN_PREFIX}${stamp}-${randomBytes(4).toString('hex')}`
}

/** The test postback for a network: a new TEST- txn (pending), or an earlier one taken back (rejected). */
export async function testPostbackFor(
  database: Queryable,
  slug: string,
  options: { status: 'pending' | 'rejected'; txnId?: string; now?: Date } = { status: 'pending' },
): Promise<TestPostback> {
  const network = await networkBySlug(database, slug)
  if (!network) throw new NotFound(`Réseau « ${slug.slice(0, 64)} » introuvable.`)
  const txnId = options.txnId ?? newTestTxn(options.now ?? new Date())
  if (!TEST_TXN.test(txnId)) throw new InvalidInput('Seules les conversions de test (TEST-…) se retirent ici.')
  // The txn id is the click id too: a network deduplicating by click keys it on that.
  const subid = formatSubid({ partnerId: 0, assignmentId: 0, clickId: txnId }, network.subidSeparator as SubidSeparator)
  const params = new URLSearchParams({
    network: network.slug,
    ...(network.postbackToken ? { token: network.postbackToken } : {}),
    subid,
    txn_id: txnId,
    amount: '1',
    currency: network.defaultCurrency,
    status: options.status,
  })
  return { url: `/aff/postback?${params}`, txnId, currency: network.defaultCurrency, networkId: network.id }
}

/** The test, its answer, in the audit log (the postback itself is in the postback log). */
export async function auditTestPostback(ctx: OnboardingContext, slug: string, test: TestPostback, status: string, answer: number) {
  await audit(ctx.database.prisma, ctx.actor, 'network.test_postback', `network:${slug}`, {
    txnId: test.txnId,
    status,
    answer,
  })
}

/** The network's test conversions, newest first (to see them and take them back). */
export async function testConversions(database: Queryable, networkId: number, take = 10) {
  return testConversionsOf(database, networkId, take)
}
