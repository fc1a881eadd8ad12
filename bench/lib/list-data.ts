// What the console's lists and reports read, on top of the click events: more
// conversions spread over five networks, partners, statuses and flags, and the
// postback log (about one line per 10 click events: 1 M at 10 M). Every
// conversion has the log line that accepted it (entry_id, as the ledger's
// transaction writes it, and the history row pointing back at the line); some
// were updated or repeated later; the rest of the log is refusals (wrong status
// words, unknown networks, bad tokens), faults and a few stuck lines. Set-based
// SQL only, like the events; the log's secondary indexes are rebuilt after.
import type { Db } from '../../src/db/client.ts'
import type { Provider } from '../../src/db/provider.ts'
import { withoutIndexes } from './indexes.ts'

const DAY = 24 * 60 * 60 * 1000

export interface ListDataOptions {
  events: number
  /** The bench network the click conversions already went to. */
  network: { id: number; slug: string }
  /** A generated partner: the partner filter's. */
  partnerId: number
  /** metric_events ids above this are the generated ones. */
  firstEvent: number
  startMs: number
  nowMs: number
  tag: string
  log: (line: string) => void
}

export interface ListData {
  /** Conversions added here (beside the ones generate-data.ts writes). */
  conversions: number
  postbackLogs: number
  /** The slugs of every bench network, the first one the click conversions' network. */
  networkSlugs: string[]
  /** A network's postback source address, as the log holds it. */
  address: string
  partnerId: number
}

const NETWORKS = [
  { name: 'Awin', preset: 'awin' },
  { name: 'Everflow', preset: 'everflow' },
  { name: 'Impact', preset: 'impact' },
  { name: 'TUNE', preset: 'tune' },
]

// A browser's user agent as networks pass it on, percent-encoded: most of a real postback's length.
const UA =
  'Mozilla%2F5.0%20(iPhone%3B%20CPU%20iPhone%20OS%2017_5%20like%20Mac%20OS%20X)%20AppleWebKit%2F605.1.15%20(KHTML%2C%20like%20Gecko)%20Version%2F17.5%20Mobile%2F15E148%20Safari%2F604.1'
const UA_JSON = 'Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36'

const REJECTIONS = [
  'unknown status "paid_out"',
  'missing txn_id',
  'malformed sub-id "{aff_sub}" (expected partner:assignment:click)',
  'amount is required for a new conversion (txn 88213 is unknown)',
  'malformed currency "EURO" (expected a 3-letter code)',
]

export async function generateListData(db: Db, provider: Provider, o: ListDataOptions): Promise<ListData> {
  const sqlite = provider === 'sqlite'
  const started = Date.now()
  const log = (line: string) => o.log(`${line} (${((Date.now() - started) / 1000).toFixed(0)} s)`)
  const created = []
  for (const [k, n] of NETWORKS.entries()) {
    created.push(
      await db.network.create({
        data: { slug: `${n.preset}-${o.tag}`, name: `${n.name} (bench)`, preset: n.preset, postbackToken: `bench-token-${k}` },
      }),
    )
  }
  const nets = [o.network, ...created.map((n) => ({ id: n.id, slug: n.slug }))]
  // Each network posts from three addresses of its own; the second one sends JSON bodies.
  const netRows = nets
    .map((n, k) => `(${k}, ${n.id}, '${n.slug}', ${k === 1 ? 1 : 0}, ${10 + k * 10}, '${(0xa3f29c81d7e4 + k * 7919).toString(16)}')`)
    .join(', ')
  const netsCte = `nets(k, id, slug, post, ip, fp) AS (VALUES ${netRows})`

  const rnd = (n: number) => (sqlite ? `(abs(random()) % ${n})` : `floor(random() * ${n})::int`)
  const hex = (chars: number) =>
    sqlite ? `lower(hex(randomblob(${chars / 2})))` : `substr(md5(random()::text) || md5(random()::text), 1, ${chars})`
  const at = (ms: number) => (sqlite ? `${ms}` : `(to_timestamp(${ms / 1000}) at time zone 'UTC')`)
  const plusMs = (col: string, ms: string) => (sqlite ? `(${col} + ${ms})` : `(${col} + (${ms}) * interval '1 millisecond')`)
  const least = sqlite ? 'min' : 'least'
  const big = (col: string) => (sqlite ? col : `${col}::bigint`)
  const netIds = nets.map((n) => n.id).join(', ')

  // 1. About one click in 100 converts again, on the four other networks: flagged
  // ones (a bot's click, an unknown partner or click, a mismatch) and every status.
  const k = '(e.id / 100)'
  const flag = `CASE WHEN e.kind = 'bot' THEN 'bot_click' WHEN (${k} / 10) % 20 = 0 THEN 'unknown_partner' WHEN (${k} / 10) % 20 = 1 THEN 'unknown_click' WHEN (${k} / 10) % 20 = 2 THEN 'click_mismatch' END`
  const conversions = Number(
    await db.$executeRawUnsafe(
      `WITH ${netsCte}
     INSERT INTO wallet_entries (partner_id, type, status, amount_cents, original_amount, original_currency, fx_rate, network_id, txn_id, click_id, assignment_id, flag, created_at, updated_at)
     SELECT CASE WHEN f = 'unknown_partner' THEN NULL ELSE partner_id END, 'conversion',
       CASE kk % 10 WHEN 0 THEN 'pending' WHEN 1 THEN 'pending' WHEN 2 THEN 'pending' WHEN 3 THEN 'rejected' WHEN 4 THEN 'reversed' ELSE 'confirmed' END,
       300 + (id % 15000), NULL, 'EUR', '1', (SELECT id FROM nets WHERE nets.k = 1 + ((kk / 7) % 4)), '${o.tag}-X' || id,
       CASE WHEN f = 'unknown_click' THEN 'gone' || id ELSE click_id END, CASE WHEN f = 'unknown_partner' THEN NULL ELSE assignment_id END, f, ts, ts
     FROM (SELECT e.id, ${k} AS kk, e.partner_id, e.assignment_id, e.click_id, e.ts, ${flag} AS f
           FROM metric_events e WHERE e.id > ${o.firstEvent} AND e.id % 100 = 13) AS src
     ORDER BY ts`,
    ),
  )
  log(`  more conversions: ${conversions.toLocaleString('en')}`)

  const dropped = await withoutIndexes(db, sqlite, 'postback_logs')
  const firstLog = Number((await db.postbackLog.aggregate({ _max: { id: true } }))._max.id ?? 0)

  // 2. Every conversion's lines: accepted (each of them), updated (half of those
  // that left pending, up to 10 days later), repeated (a third, within 3 days);
  // 3. the refusals and the rest, up to one line per 10 click events, over the
  // whole span. All in one statement, in received_at order: ids grow with time,
  // as the live log's do.
  const word = `CASE w.status WHEN 'confirmed' THEN 'approved' WHEN 'rejected' THEN 'declined' ELSE w.status END`
  const cents = sqlite ? `substr('0' || (w.amount_cents % 100), -2)` : `lpad((w.amount_cents % 100)::text, 2, '0')`
  const amount = `(w.amount_cents / 100) || '.' || ${cents}`
  const subid = `coalesce(w.partner_id, 0) || '%3A' || coalesce(w.assignment_id, 0) || '%3A' || coalesce(w.click_id, '')`
  const getQuery = `'network=' || nets.slug || '&token=***' || nets.fp || '&subid=' || ${subid} || '&txn_id=' || w.txn_id || '&amount=' || ${amount} || '&currency=EUR&status=' || ${word} || '&offer_id=' || (100 + (w.id % 40)) || '&goal=sale&payout_type=cpa&country=FR&device=mobile&ip=203.0.113.' || (w.id % 250) || '&ua=${UA}&conv_id=' || w.id || '&sig=' || ${hex(40)}`
  const jsonBody = `'{"transaction_id":"' || w.txn_id || '","sub_id":"' || replace(${subid}, '%3A', ':') || '","amount":' || ${amount} || ',"currency":"EUR","status":"' || ${word} || '","offer":{"id":' || (100 + (w.id % 40)) || ',"name":"Offre ' || (w.id % 40) || '"},"user_agent":"${UA_JSON}","ip":"203.0.113.' || (w.id % 250) || '","signature":"' || ${hex(40)} || '"}'`
  const updatedLater = `(w.status <> 'pending' AND w.id % 2 = 0)`
  const repeated = 'w.id % 3 = 0'
  const conversionsOf = (where: string) => `FROM wallet_entries w WHERE w.type = 'conversion' AND w.network_id IN (${netIds}) AND ${where}`
  const tied = (outcome: string, reason: string, afterMs: string, where: string) =>
    `SELECT CASE nets.post WHEN 1 THEN 'POST' ELSE 'GET' END AS method,
         CASE nets.post WHEN 1 THEN 'network=' || nets.slug || '&token=***' || nets.fp ELSE ${getQuery} END AS raw_query,
         CASE nets.post WHEN 1 THEN ${jsonBody} END AS raw_body,
         '198.51.100.' || (nets.ip + (w.id % 3)) AS source_ip, nets.slug AS network_slug, '${outcome}' AS outcome, ${reason} AS reason,
         w.id AS entry_id, t, t AS processed
       FROM (SELECT w.*, ${least}(${plusMs('w.created_at', afterMs)}, ${at(o.nowMs)}) AS t ${conversionsOf(where)}) AS w
       JOIN nets ON nets.id = w.network_id`
  const count = async (where: string) =>
    Number((await db.$queryRawUnsafe<{ n: number | bigint }[]>(`SELECT count(*) AS n ${conversionsOf(where)}`))[0]!.n)
  const accepted = await count('1 = 1')
  const updated = await count(updatedLater)
  const duplicate = await count(repeated)
  const total = Math.round(o.events / 10)
  const filler = Math.max(0, total - accepted - updated - duplicate)

  const spanMs = o.nowMs - o.startMs
  const r = '(i % 100)'
  const reasons = REJECTIONS.map((text, j) => `WHEN ${j + 1} THEN '${text.replaceAll("'", "''")}'`).join(' ')
  const unknownNetwork = `(${r} < 60 AND (i / 100) % 6 = 0)`
  const refused = `SELECT CASE WHEN i % 7 = 0 THEN 'POST' ELSE 'GET' END,
      'network=' || CASE WHEN ${unknownNetwork} THEN 'old-network-' || (i % 7) ELSE nets.slug END || '&token=' ||
        CASE WHEN ${r} >= 60 AND ${r} < 94 AND i % 2 = 0 THEN ${hex(24)} ELSE '***' || nets.fp END ||
        '&subid=' || (1 + (i % 2000)) || '%3A' || (1 + (i % 2000)) || '%3A' || ${hex(22)} || '&txn_id=' || ${hex(16)} ||
        '&amount=' || (i % 300) || '.00&currency=EUR&status=' || CASE WHEN (i / 100) % 6 = 1 THEN 'paid_out' ELSE 'approved' END ||
        '&offer_id=' || (100 + (i % 40)) || '&goal=sale&payout_type=cpa&country=FR&device=mobile&ip=203.0.113.' || (i % 250) || '&ua=${UA}',
      NULL,
      CASE WHEN ${r} >= 60 AND ${r} < 94 AND i % 2 = 1 THEN '192.0.2.' || (i % 250) ELSE '198.51.100.' || (nets.ip + (i % 3)) END,
      CASE WHEN ${unknownNetwork} THEN 'old-network-' || (i % 7) ELSE nets.slug END,
      CASE WHEN ${r} < 60 THEN 'rejected' WHEN ${r} < 94 THEN 'forbidden' WHEN i % 1000 = 999 THEN 'received' ELSE 'error' END,
      CASE WHEN ${unknownNetwork} THEN 'unknown network "old-network-' || (i % 7) || '"'
           WHEN ${r} < 60 THEN CASE (i / 100) % 6 ${reasons} END
           WHEN ${r} < 94 AND i % 2 = 0 THEN 'wrong token'
           WHEN ${r} < 94 THEN 'source IP 192.0.2.' || (i % 250) || ' not allowed'
           WHEN i % 1000 = 999 THEN NULL
           ELSE 'temporarily unavailable, retry later' END,
      NULL, t, CASE WHEN i % 1000 = 999 THEN NULL ELSE t END
    FROM rows JOIN nets ON nets.k = i % 5`
  const ts = sqlite ? `(${o.startMs} + ${rnd(spanMs)})` : `${at(o.startMs)} + (random() * ${spanMs}) * interval '1 millisecond'`
  const rows = sqlite
    ? `seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${filler}), rows AS MATERIALIZED (SELECT i, ${ts} AS t FROM seq WHERE i <= ${filler})`
    : `rows AS MATERIALIZED (SELECT i, ${ts} AS t FROM generate_series(1, ${filler}) AS i)`
  const selects = [
    tied('accepted', 'NULL', '0', '1 = 1'),
    tied('updated', 'NULL', `(${big('w.id')} * 7919) % ${10 * DAY}`, updatedLater),
    tied(
      'duplicate',
      `CASE WHEN w.id % 2 = 0 THEN NULL ELSE 'late pending ignored: the conversion is already ' || w.status END`,
      `(${big('w.id')} * 104729) % ${3 * DAY}`,
      repeated,
    ),
    ...(filler > 0 ? [refused] : []),
  ]
  await db.$executeRawUnsafe(
    `WITH ${sqlite ? 'RECURSIVE ' : ''}${netsCte}, ${rows}
     INSERT INTO postback_logs (method, raw_query, raw_body, source_ip, network_slug, outcome, reason, entry_id, received_at, processed_at)
     SELECT * FROM (${selects.join('\n UNION ALL ')}) AS lines ORDER BY t`,
  )
  log(
    `  postback log: ${(accepted + updated + duplicate + filler).toLocaleString('en')} lines (${accepted.toLocaleString('en')} accepted, ${updated.toLocaleString('en')} updated, ${duplicate.toLocaleString('en')} repeated)`,
  )

  // The ledger's history rows, each pointing at the line that made it.
  await db.$executeRawUnsafe(
    `INSERT INTO wallet_entry_history (entry_id, from_status, to_status, network_word, amount_cents, source, postback_log_id, changed_at)
     SELECT w.id, CASE WHEN l.outcome = 'updated' THEN 'pending' END,
       CASE WHEN l.outcome = 'accepted' AND ${updatedLater} THEN 'pending' ELSE w.status END,
       CASE WHEN l.outcome = 'accepted' AND ${updatedLater} THEN 'pending' ELSE ${word} END,
       w.amount_cents, 'postback', l.id, l.received_at
     FROM postback_logs l JOIN wallet_entries w ON w.id = l.entry_id
     WHERE l.id > ${firstLog} AND l.outcome IN ('accepted', 'updated')`,
  )
  log('  conversion history')
  await dropped()
  log('  postback log indexes rebuilt')
  return {
    conversions,
    postbackLogs: accepted + updated + duplicate + filler,
    networkSlugs: nets.map((n) => n.slug),
    address: `198.51.100.${20 + 1}`,
    partnerId: o.partnerId,
  }
}
