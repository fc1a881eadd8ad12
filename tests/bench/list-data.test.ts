// The bench's data set for the console's lists and reports: the figures it
// times are only worth what the data is, so its shape is checked here on both
// databases — the log tied to its entries as the ledger ties them, in time order,
// the clicks' rollups equal to the clicks, every filter the bench uses matching rows.
import { describe, expect, it, beforeAll } from 'vitest'
import { generateBenchData, type Generated } from '../../bench/generate-data.ts'
import { nextCursor, rowsOf } from '../../bench/lib/list-figures.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

const EVENTS = 20_000

describeEachDatabase('bench list data', (t) => {
  let gen: Generated
  const count = async (sql: string) => Number((await t().db.$queryRawUnsafe<{ n: number | bigint }[]>(sql))[0]!.n)

  beforeAll(async () => {
    gen = await generateBenchData(t().db, t().provider, { events: EVENTS, partners: 50 })
  }, 120_000)

  it('writes one postback log line per 10 click events, every outcome the page filters by', async () => {
    expect(gen.lists.postbackLogs).toBe(EVENTS / 10)
    expect(await count('SELECT count(*) AS n FROM postback_logs')).toBe(EVENTS / 10)
    const outcomes = await t().db.$queryRawUnsafe<{ outcome: string }[]>('SELECT DISTINCT outcome FROM postback_logs ORDER BY outcome')
    // "received" (stuck) lines are 1 in 1,000 of the refusals: too rare to count on at this size.
    expect(outcomes.map((o) => o.outcome).filter((o) => o !== 'received')).toEqual([
      'accepted',
      'duplicate',
      'error',
      'forbidden',
      'rejected',
      'updated',
    ])
    // Requests of a real network's size, not a few bytes.
    expect(await count(`SELECT min(length(raw_query) + coalesce(length(raw_body), 0)) AS n FROM postback_logs`)).toBeGreaterThan(300)
  })

  it('ties each conversion to the line that accepted it, on its own network, and its history to that line', async () => {
    const conversions = await count(`SELECT count(*) AS n FROM wallet_entries WHERE type = 'conversion'`)
    expect(conversions).toBe(gen.conversions + gen.lists.conversions)
    // Exactly one accepted line per conversion.
    expect(await count(`SELECT count(*) AS n FROM postback_logs WHERE outcome = 'accepted'`)).toBe(conversions)
    expect(await count(`SELECT count(DISTINCT entry_id) AS n FROM postback_logs WHERE outcome = 'accepted'`)).toBe(conversions)
    // Tied lines name the entry's network and come no earlier than the entry.
    const wrong = await count(
      `SELECT count(*) AS n FROM postback_logs l JOIN wallet_entries w ON w.id = l.entry_id JOIN networks n ON n.id = w.network_id
       WHERE l.network_slug <> n.slug OR l.received_at < w.created_at`,
    )
    expect(wrong).toBe(0)
    expect(
      await count(`SELECT count(*) AS n FROM postback_logs WHERE outcome IN ('accepted', 'updated', 'duplicate') AND entry_id IS NULL`),
    ).toBe(0)
    expect(
      await count(
        `SELECT count(*) AS n FROM postback_logs WHERE outcome IN ('rejected', 'forbidden', 'error', 'received') AND entry_id IS NOT NULL`,
      ),
    ).toBe(0)
    const history = await count(
      `SELECT count(*) AS n FROM wallet_entry_history h JOIN postback_logs l ON l.id = h.postback_log_id
       WHERE h.entry_id = l.entry_id AND h.source = 'postback' AND l.outcome IN ('accepted', 'updated')`,
    )
    expect(history).toBe(await count(`SELECT count(*) AS n FROM postback_logs WHERE outcome IN ('accepted', 'updated')`))
  })

  it('numbers the log in time order, as the live log is', async () => {
    const backwards = await count(
      `SELECT count(*) AS n FROM postback_logs a JOIN postback_logs b ON b.id = a.id + 1 WHERE b.received_at < a.received_at`,
    )
    expect(backwards).toBe(0)
  })

  it('spreads conversions over five networks, every status and every flag', async () => {
    expect(gen.lists.networkSlugs).toHaveLength(5)
    const networks = await count(`SELECT count(DISTINCT network_id) AS n FROM wallet_entries WHERE type = 'conversion'`)
    expect(networks).toBe(5)
    const flags = await t().db.$queryRawUnsafe<{ flag: string }[]>(
      `SELECT DISTINCT flag FROM wallet_entries WHERE flag IS NOT NULL ORDER BY flag`,
    )
    expect(flags.map((f) => f.flag)).toEqual(['bot_click', 'click_mismatch', 'unknown_click', 'unknown_partner'])
    const statuses = await t().db.$queryRawUnsafe<{ status: string }[]>(
      `SELECT DISTINCT status FROM wallet_entries WHERE type = 'conversion' ORDER BY status`,
    )
    expect(statuses.map((s) => s.status)).toEqual(['confirmed', 'pending', 'rejected', 'reversed'])
    // The filters the bench times match rows.
    const slug = gen.lists.networkSlugs[2]!
    expect(await count(`SELECT count(*) AS n FROM postback_logs WHERE network_slug = '${slug}'`)).toBeGreaterThan(50)
    expect(await count(`SELECT count(*) AS n FROM postback_logs WHERE source_ip = '${gen.lists.address}'`)).toBeGreaterThan(50)
    expect(await count(`SELECT count(*) AS n FROM wallet_entries WHERE partner_id = ${gen.lists.partnerId}`)).toBeGreaterThan(0)
  })

  it("gives each click its own link's partner and offer, and counts it in the reports' rollup", async () => {
    const mismatched = await count(
      `SELECT count(*) AS n FROM metric_events e JOIN assignments a ON a.id = e.assignment_id
       WHERE a.partner_id <> e.partner_id OR a.offer_id <> e.offer_id`,
    )
    expect(mismatched).toBe(0)
    expect(await count('SELECT sum(count) AS n FROM click_link_rollups')).toBe(EVENTS)
    const uniques = await count('SELECT count(*) AS n FROM metric_events WHERE is_unique')
    expect(await count('SELECT sum(unique_count) AS n FROM click_link_rollups')).toBe(uniques)
  })
})

describe('bench list answers', () => {
  it("counts a page's table body rows and a JSON answer's rows", () => {
    const page = '<table><thead><tr><th>a</th></tr></thead><tbody><tr><td>1</td></tr>\n<tr class="x"><td>2</td></tr></tbody></table>'
    expect(rowsOf(page, false)).toBe(2)
    expect(rowsOf('<p>Aucune conversion</p>', false)).toBe(0)
    expect(rowsOf(JSON.stringify({ items: [1, 2, 3], nextPage: null }), true)).toBe(3)
    expect(rowsOf(JSON.stringify({ rows: [], totals: {} }), true)).toBe(0)
  })

  it("finds the next page's cursor in a link or a JSON answer", () => {
    expect(nextCursor('<a href="/admin/conversions?status=pending&amp;cursor=MTc5.NjU" rel="next">', false, 'cursor')).toBe('MTc5.NjU')
    expect(nextCursor('<a href="/admin/postbacks?after=1796555298024.999951">', false, 'after')).toBe('1796555298024.999951')
    expect(nextCursor('<a href="/admin/postbacks">', false, 'after')).toBeNull()
    expect(nextCursor(JSON.stringify({ items: [], nextPage: 'abc' }), true, 'cursor')).toBe('abc')
  })
})
