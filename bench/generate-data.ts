// Fills a database with N click events (default 10 M) over 60 days, ~2,000
// partners, conversions and payouts — for the benchmarks. Set-based SQL run by the
// database itself (a recursive CTE on SQLite, generate_series on PostgreSQL), one
// statement per million rows: no per-row ORM call. The daily rollup is built from
// the events it counts, as the click store would have built it. Then what the
// console's lists read: more conversions and the postback log (lib/list-data.ts).
//
//   node --import tsx bench/generate-data.ts --db file:/tmp/bench.db --events 10000000
import { parseArgs } from 'node:util'
import type { Db } from '../src/db/client.ts'
import type { Provider } from '../src/db/provider.ts'
import { postgresForeignKeys, secondaryIndexes } from './lib/indexes.ts'
import { generateListData, type ListData } from './lib/list-data.ts'
import { foldLedgerDeltas } from '../src/ledger/ledger-daily.ts'

const DAY = 24 * 60 * 60 * 1000

export interface GenerateOptions {
  events: number
  partners?: number
  days?: number
  now?: Date
  log?: (line: string) => void
}

export interface Generated {
  events: number
  partners: number
  conversions: number
  payouts: number
  /** The console lists' data: more conversions, the postback log. */
  lists: ListData
  seconds: number
}

export async function generateBenchData(db: Db, provider: Provider, options: GenerateOptions): Promise<Generated> {
  const started = Date.now()
  const log = options.log ?? (() => {})
  const partners = options.partners ?? 2000
  const days = options.days ?? 60
  const now = options.now ?? new Date()
  const startMs = now.getTime() - days * DAY
  const spanMs = days * DAY
  const sqlite = provider === 'sqlite'

  const network = await db.network.create({ data: { slug: `bench-${Date.now()}`, name: 'Bench network', postbackToken: 'bench-token' } })
  // One after the other: the events give a click the offer firstOffer + (partner % 10),
  // which is its link's only if the ids follow this order (concurrent creates need not).
  const offers: { id: number }[] = []
  for (let i = 0; i < 10; i++) {
    offers.push(
      await db.offer.create({
        data: { networkId: network.id, name: `Offer ${i + 1}`, url: `https://advertiser.example/o${i + 1}?affid=B` },
      }),
    )
  }
  const firstPartner = (await db.partner.aggregate({ _max: { id: true } }))._max.id ?? 0
  await db.partner.createMany({
    data: Array.from({ length: partners }, (_, i) => ({ name: `Partner ${i + 1}`, createdAt: new Date(startMs) })),
  })
  const statuses = ['posted', 'posted', 'posted', 'approved', 'pending', 'failed']
  await db.assignment.createMany({
    data: Array.from({ length: partners }, (_, i) => ({
      partnerId: firstPartner + i + 1,
      offerId: offers[i % offers.length]!.id,
      status: statuses[i % statuses.length]!,
      code: `bench${firstPartner + i + 1}`,
    })),
  })
  const firstAssignment = (await db.assignment.findFirstOrThrow({ where: { code: `bench${firstPartner + 1}` } })).id
  const firstOffer = offers[0]!.id
  const firstEvent = (await db.metricEvent.aggregate({ _max: { id: true } }))._max.id ?? 0
  const tag = Date.now().toString(36)

  // Random helpers per dialect; rows are numbered by i.
  const rnd = (n: number) => (sqlite ? `(abs(random()) % ${n})` : `floor(random() * ${n})::int`)
  const tsExpr = sqlite
    ? `(${startMs} + abs(random()) % ${spanMs})`
    : `(to_timestamp(${startMs / 1000}) at time zone 'UTC') + (random() * ${spanMs}) * interval '1 millisecond'`
  // Secondary indexes are dropped for the bulk load and rebuilt after (a sort is far
  // cheaper than millions of random B-tree inserts); their definitions are read
  // back from the database itself, so they come back exactly as migrated.
  // Foreign keys likewise: checked once for the whole table afterwards instead of three lookups a row.
  const indexes = await secondaryIndexes(db, sqlite, 'metric_events')
  for (const ix of indexes) await db.$executeRawUnsafe(`DROP INDEX "${ix.name}"`)
  const foreignKeys = sqlite ? [] : await postgresForeignKeys(db, 'metric_events')
  for (const fk of foreignKeys) await db.$executeRawUnsafe(`ALTER TABLE metric_events DROP CONSTRAINT "${fk.name}"`)
  // SQLite's rollup trigger too: the rollup is built once, below, from the loaded rows.
  const triggers = sqlite
    ? await db.$queryRawUnsafe<{ name: string; sql: string }[]>(
        `SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'metric_events'`,
      )
    : []
  for (const t of triggers) await db.$executeRawUnsafe(`DROP TRIGGER "${t.name}"`)
  if (sqlite) {
    await db.$executeRawUnsafe('PRAGMA cache_size = -262144')
    await db.$executeRawUnsafe('PRAGMA foreign_keys = OFF')
  }
  const chunk = 1_000_000
  for (let done = 0; done < options.events; done += chunk) {
    const n = Math.min(chunk, options.events - done)
    const p = `${rnd(partners)}`
    const select = `SELECT CASE WHEN ${rnd(25)} = 0 THEN 'bot' ELSE 'click' END, ${tsExpr}, ${firstPartner + 1} + pi, ${firstAssignment} + pi, ${firstOffer} + (pi % 10),
        '${tag}-' || (i + ${done}), 'v' || ${rnd(1_000_000)}, 'Mozilla/5.0 (bench)', NULL, ${sqlite ? `${rnd(8)} <> 0` : `${rnd(8)} <> 0`}`
    // MATERIALIZED: SQLite would otherwise draw random() again at each use of pi, and
    // give a click a partner, a link and an offer that do not belong together.
    const sql = sqlite
      ? `WITH RECURSIVE seq(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM seq WHERE i < ${n}), rows AS MATERIALIZED (SELECT i, ${p} AS pi FROM seq)
         INSERT INTO metric_events (kind, ts, partner_id, assignment_id, offer_id, click_id, visitor_hash, user_agent, referer, is_unique) ${select} FROM rows`
      : `INSERT INTO metric_events (kind, ts, partner_id, assignment_id, offer_id, click_id, visitor_hash, user_agent, referer, is_unique)
         ${select} FROM (SELECT i, ${p} AS pi FROM generate_series(1, ${n}) AS i) AS rows`
    await db.$executeRawUnsafe(sql)
    log(
      `  events: ${(done + n).toLocaleString('en')} / ${options.events.toLocaleString('en')} (${((Date.now() - started) / 1000).toFixed(0)} s)`,
    )
  }

  for (const ix of indexes) await db.$executeRawUnsafe(ix.sql)
  for (const t of triggers) await db.$executeRawUnsafe(t.sql)
  for (const fk of foreignKeys) await db.$executeRawUnsafe(`ALTER TABLE metric_events ADD CONSTRAINT "${fk.name}" ${fk.def}`)
  if (sqlite) {
    const broken = await db.$queryRawUnsafe<unknown[]>('PRAGMA foreign_key_check(metric_events)')
    if (broken.length) throw new Error(`generated ${broken.length} events with dangling references`)
    await db.$executeRawUnsafe('PRAGMA foreign_keys = ON')
  }
  log(`  indexes rebuilt (${((Date.now() - started) / 1000).toFixed(0)} s)`)

  const dayExpr = sqlite ? `(ts / ${DAY}) * ${DAY}` : `date_trunc('day', ts)`
  await db.$executeRawUnsafe(
    `INSERT INTO click_rollups (day, partner_id, kind, count)
     SELECT ${dayExpr}, coalesce(partner_id, 0), kind, count(*) FROM metric_events WHERE id > ${firstEvent} GROUP BY 1, 2, 3
     ON CONFLICT (day, partner_id, kind) DO UPDATE SET count = click_rollups.count + excluded.count`,
  )
  // The reports' rollup likewise (its trigger, on SQLite, was dropped with the others).
  await db.$executeRawUnsafe(
    `INSERT INTO click_link_rollups (day, assignment_id, partner_id, kind, count, unique_count)
     SELECT ${dayExpr}, coalesce(assignment_id, 0), coalesce(partner_id, 0), kind, count(*), sum(CASE WHEN is_unique THEN 1 ELSE 0 END)
     FROM metric_events WHERE id > ${firstEvent} GROUP BY 1, 2, 3, 4
     ON CONFLICT (day, assignment_id, partner_id, kind) DO UPDATE SET count = click_link_rollups.count + excluded.count,
       unique_count = click_link_rollups.unique_count + excluded.unique_count`,
  )
  log('  rollups built')

  // ~2 % of clicks convert; statuses spread like a real ledger. Written in time
  // order, as a live ledger appends: a newest-first page then reads the table's
  // last pages, not pages scattered over all of it.
  const conversions = await db.$executeRawUnsafe(
    `INSERT INTO wallet_entries (partner_id, type, status, amount_cents, original_amount, original_currency, fx_rate, network_id, txn_id, click_id, assignment_id, created_at, updated_at)
     SELECT partner_id, 'conversion',
       CASE ${sqlite ? '(id % 10)' : '(id % 10)'} WHEN 0 THEN 'pending' WHEN 1 THEN 'rejected' WHEN 2 THEN 'reversed' ELSE 'confirmed' END,
       500 + (id % 7000), NULL, 'EUR', '1', ${network.id}, '${tag}-T' || id, click_id, assignment_id, ts, ts
     FROM metric_events WHERE id > ${firstEvent} AND kind = 'click' AND id % 50 = 7
     ORDER BY ts`,
  )
  log(`  conversions: ${conversions}`)

  // A paid payout for a quarter of the partners, requests for some others.
  const payoutPartners = Array.from({ length: Math.floor(partners / 4) }, (_, i) => firstPartner + 1 + i * 4)
  for (let i = 0; i < payoutPartners.length; i += 200) {
    const slice = payoutPartners.slice(i, i + 200)
    const paidAt = new Date(now.getTime() - 5 * DAY)
    const created = await db.payout.createManyAndReturn({
      data: slice.map((partnerId) => ({
        partnerId,
        amountCents: 2_000,
        status: 'paid',
        reference: `BENCH-${partnerId}`,
        requestedAt: paidAt,
        approvedAt: paidAt,
        paidAt,
      })),
      select: { id: true, partnerId: true },
    })
    await db.walletEntry.createMany({
      data: created.map((p) => ({
        partnerId: p.partnerId,
        type: 'payout',
        status: 'paid',
        amountCents: -2_000,
        payoutId: p.id,
        createdAt: paidAt,
      })),
    })
  }
  await db.payout.createMany({
    data: payoutPartners.map((partnerId) => ({ partnerId: partnerId + 1, amountCents: 1_500, status: 'requested' })),
  })
  const lists = await generateListData(db, provider, {
    events: options.events,
    network: { id: network.id, slug: network.slug },
    partnerId: firstPartner + 1,
    firstEvent,
    startMs,
    nowMs: now.getTime(),
    tag,
    log,
  })

  // PostgreSQL: the ledger's deltas folded into its daily totals, as the server's
  // maintenance does every few seconds (its readers would otherwise add 300 k deltas).
  log(`  ledger deltas folded: ${await foldLedgerDeltas(db, provider)}`)
  // PostgreSQL: VACUUM too, as autovacuum will have done long since to 60 days of
  // events in a live database; straight after a bulk load no page is marked
  // all-visible, so every index-only scan (the 7-day window's partial first day)
  // reads the table as well: ~106 instead of ~15 ms at 10 M events.
  await db.$executeRawUnsafe(provider === 'postgresql' ? 'VACUUM ANALYZE' : 'ANALYZE')
  return {
    events: options.events,
    partners,
    conversions: Number(conversions),
    payouts: payoutPartners.length * 2,
    lists,
    seconds: (Date.now() - started) / 1000,
  }
}

// CLI
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values } = parseArgs({
    options: { db: { type: 'string' }, events: { type: 'string', default: '10000000' }, partners: { type: 'string', default: '2000' } },
  })
  if (!values.db) {
    console.error('usage: node --import tsx bench/generate-data.ts --db <DATABASE_URL> [--events N] [--partners N]')
    process.exit(2)
  }
  const { applyMigrations } = await import('../src/db/migrator.ts')
  const { openDatabase } = await import('../src/db/client.ts')
  await applyMigrations(values.db)
  const database = await openDatabase(values.db)
  const result = await generateBenchData(database.prisma, database.provider, {
    events: Number(values.events),
    partners: Number(values.partners),
    log: (l) => console.log(l),
  })
  console.log(result)
  await database.close()
}
