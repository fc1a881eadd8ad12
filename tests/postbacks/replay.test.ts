// Replaying rejected postbacks from the log once their cause is fixed: the same
// checks as live, idempotent, never for requests refused on authentication.
import { beforeEach, expect, it } from 'vitest'
import { describeEachDatabase, truncateAll } from '../helpers/databases.ts'
import { seedClickedLink } from '../helpers/clicked-link.ts'
import { loadPostbackNetwork } from '../../src/postbacks/network-cache.ts'
import { receivePostback as receiveOutcome, type PostbackContext } from '../../src/postbacks/receive-postback.ts'
import { postbackAnswer } from '../../src/http/postback-answer.ts'
import { replayPostbacks as replayLogged, STUCK_AFTER_MS, TRUNCATED_REASON } from '../../src/postbacks/replay.ts'

/** The outcome with the HTTP answer the route gives it (status, body), as the assertions read it. */
async function receivePostback(...args: Parameters<typeof receiveOutcome>) {
  const outcome = await receiveOutcome(...args)
  return { ...outcome, ...postbackAnswer(outcome) }
}

/** The replay's results with the HTTP status a live request would have had. */
async function replayPostbacks(...args: Parameters<typeof replayLogged>) {
  return (await replayLogged(...args)).map((r) => ({ ...r, status: r.verdict ? postbackAnswer(r.verdict).status : null }))
}

const TOKEN = 'replay-token-0123456789'

describeEachDatabase('postback replay', (t, provider) => {
  let subid = ''
  const ctx = (fxRates: Record<string, string> = { EUR: '1' }): PostbackContext => ({
    database: t().database,
    fxRates,
    salt: 'salt-for-tests-0123456789',
    networks: (slug) => loadPostbackNetwork(t().db, slug),
  })
  const query = (q: Record<string, string>) =>
    new URLSearchParams({ network: 'rn', token: TOKEN, subid, amount: '10', status: 'approved', ...q }).toString()
  const send = (c: PostbackContext, q: Record<string, string>) =>
    receivePostback(c, { method: 'GET', rawQuery: query(q), rawBody: null, bodyKind: null, sourceIp: '203.0.113.1' })

  beforeEach(async () => {
    await truncateAll(t().db, provider)
    subid = await seedClickedLink(t(), { slug: 'rn', token: TOKEN, code: 'rcode001', clickId: 'RCLICKaaaaaaaaaaaaaaaa' })
  })

  it('applies a rejected postback once its cause is fixed, and only once', async () => {
    const rejected = await send(ctx(), { txn_id: 'R1', currency: 'USD' })
    expect(rejected).toMatchObject({ status: 400, reason: 'unknown currency USD (no rate in FX_RATES)' })
    expect(await replayPostbacks(ctx(), {})).toEqual([
      expect.objectContaining({ logId: rejected.logId, before: 'rejected', after: 'rejected' }),
    ])
    const fixed = ctx({ EUR: '1', USD: '0.92' })
    expect(await replayPostbacks(fixed, { dryRun: true })).toEqual([expect.objectContaining({ after: null })])
    expect(await t().db.walletEntry.count()).toBe(0)
    const [r] = await replayPostbacks(fixed, {})
    expect(r).toMatchObject({ before: 'rejected', after: 'accepted', status: 200 })
    const entry = await t().db.walletEntry.findFirstOrThrow({ include: { history: true } })
    expect([entry.txnId, entry.amountCents]).toEqual(['R1', 920])
    expect(entry.history[0]!.postbackLogId).toBe(rejected.logId)
    const log = await t().db.postbackLog.findUniqueOrThrow({ where: { id: rejected.logId! } })
    expect(log).toMatchObject({ outcome: 'accepted', entryId: entry.id })
    expect(log.replayedAt).not.toBeNull()
    // Nothing left to replay; replaying it by id again changes nothing.
    expect(await replayPostbacks(fixed, {})).toEqual([])
    expect(await replayPostbacks(fixed, { ids: [rejected.logId!] })).toEqual([expect.objectContaining({ skipped: 'already accepted' })])
    expect(await t().db.walletEntry.count()).toBe(1)
  })

  it('a replay of a postback the network also resent is a duplicate', async () => {
    const rejected = await send(ctx(), { txn_id: 'R2', status: 'rebill' })
    await t().db.network.update({ where: { slug: 'rn' }, data: { statusWords: JSON.stringify({ rebill: 'confirmed' }) } })
    expect((await send(ctx(), { txn_id: 'R2', status: 'rebill' })).body).toBe('OK')
    expect(await replayPostbacks(ctx(), { ids: [rejected.logId!] })).toEqual([expect.objectContaining({ after: 'duplicate' })])
    expect(await t().db.walletEntry.count()).toBe(1)
  })

  it("checks the logged token's fingerprint against the network's current token", async () => {
    const early = await send(ctx(), { network: 'later', txn_id: 'R3' })
    expect(early.reason).toBe('unknown network "later"')
    // Registered afterwards with another token: the logged request did not know it.
    await t().db.network.create({ data: { slug: 'later', name: 'Later', postbackToken: 'a-different-token-0000' } })
    expect(await replayPostbacks(ctx(), {})).toEqual([
      expect.objectContaining({ after: 'forbidden', reason: "token does not match the network's current token" }),
    ])
    expect(await t().db.walletEntry.count()).toBe(0)
  })

  it('replays a request logged before the network existed when the token matches', async () => {
    const early = await send(ctx(), { network: 'later2', txn_id: 'R4' })
    const network = await t().db.network.create({ data: { slug: 'later2', name: 'Later 2', postbackToken: TOKEN } })
    expect(await replayPostbacks(ctx(), { ids: [early.logId!] })).toEqual([expect.objectContaining({ after: 'accepted' })])
    expect(await t().db.walletEntry.count({ where: { networkId: network.id } })).toBe(1)
  })

  it('refuses to replay a line truncated in the log (it failed authentication), rather than apply what is left of it', async () => {
    // Unknown network at the time, and long: logged cut to ~2 KB. What was cut may have been anything (another status, amount…).
    const long = await receivePostback(ctx(), {
      method: 'POST',
      rawQuery: query({ network: 'late', txn_id: 'R8' }),
      rawBody: `pad=${'x'.repeat(5000)}&status=rejected`,
      bodyKind: 'form',
      sourceIp: '203.0.113.1',
    })
    const short = await send(ctx(), { network: 'late', txn_id: 'R9' })
    expect([long.status, short.status]).toEqual([400, 400])
    const stored = await t().db.postbackLog.findUniqueOrThrow({ where: { id: long.logId! } })
    expect(stored.rawBody!.length).toBeLessThan(2500)
    expect(stored.rawBody).toMatch(/…\[\d+ more characters not logged\]$/)
    await t().db.network.create({ data: { slug: 'late', name: 'Late', postbackToken: TOKEN } })
    // Left out of the default replay, refused by id, with the reason; the short one is replayed.
    const all = await replayPostbacks(ctx(), {})
    expect(all.map((r) => [r.logId, r.after])).toEqual([[short.logId, 'accepted']])
    expect(await replayPostbacks(ctx(), { ids: [long.logId!] })).toEqual([
      expect.objectContaining({ logId: long.logId, after: null, skipped: TRUNCATED_REASON }),
    ])
    expect(await t().db.walletEntry.count({ where: { txnId: 'R8' } })).toBe(0)
    expect(await t().db.postbackLog.findUniqueOrThrow({ where: { id: long.logId! } })).toMatchObject({ outcome: 'rejected' })
  })

  it('never replays a request refused for its token or IP', async () => {
    const forbidden = await receivePostback(ctx(), {
      method: 'GET',
      rawQuery: query({ token: 'wrong-token-00000000', txn_id: 'R5' }),
      rawBody: null,
      bodyKind: null,
      sourceIp: '203.0.113.1',
    })
    expect(forbidden.status).toBe(403)
    expect(await replayPostbacks(ctx(), {})).toEqual([])
    expect(await replayPostbacks(ctx(), { ids: [forbidden.logId!] })).toEqual([
      expect.objectContaining({ skipped: expect.stringMatching(/token or IP/) as unknown }),
    ])
  })

  it('picks up requests stuck in "received" (the process died mid-way), and old logs without a fingerprint', async () => {
    const now = new Date()
    const stuck = await t().db.postbackLog.create({
      data: {
        method: 'GET',
        rawQuery: query({ txn_id: 'R6' }).replace(TOKEN, '***'),
        networkSlug: 'rn',
        sourceIp: '203.0.113.1',
        receivedAt: new Date(now.getTime() - STUCK_AFTER_MS - 1000),
      },
    })
    const recent = await t().db.postbackLog.create({
      data: { method: 'GET', rawQuery: query({ txn_id: 'R7' }).replace(TOKEN, '***'), networkSlug: 'rn' },
    })
    const results = await replayPostbacks(ctx(), { now })
    expect(results.map((r) => [r.logId, r.after])).toEqual([[stuck.id, 'accepted']])
    expect(recent.outcome).toBe('received')
    expect(await t().db.walletEntry.count({ where: { txnId: 'R6' } })).toBe(1)
  })
})
