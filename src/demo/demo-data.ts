// A realistic 60-day data set so a new operator sees a living console:
// networks, offers, ~50 partners, assignments in every status, clicks with a
// daily and weekly rhythm, bots, conversions in every status with their history,
// payouts in every status, a couple of holds, and postback logs.
import { randomBytes } from 'node:crypto'
import type { Database } from '../db/client.ts'
import { insertClickEvents, type ClickEventRow } from '../db/hot/index.ts'
import type { Queryable } from '../db/queries/access.ts'
import { insertAssignment } from '../db/queries/assignments.ts'
import { insertPostbackLogLines } from '../db/queries/demo-seed.ts'
import { countNetworks, insertNetwork } from '../db/queries/networks.ts'
import { insertOffer } from '../db/queries/offers.ts'
import { insertFlag } from '../db/queries/partner-flags.ts'
import { countPartners, insertPartner } from '../db/queries/partners.ts'
import { insertPayout } from '../db/queries/payouts.ts'
import { bookPaidPayout } from '../ledger/entries.ts'
import { seedEntries, type SeedEntry } from '../ledger/seed.ts'
import { DAY_MS as DAY, HOUR_MS as HOUR, MINUTE_MS } from '../time.ts'

/** Small seeded PRNG (mulberry32): the same demo every time for a given seed. */
export function prng(seed: number) {
  let a = seed >>> 0
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
  return {
    next,
    int: (min: number, max: number) => min + Math.floor(next() * (max - min + 1)),
    pick: <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)]!,
    chance: (p: number) => next() < p,
  }
}

const FIRST = [
  'Camille',
  'Léa',
  'Hugo',
  'Lucas',
  'Chloé',
  'Manon',
  'Louis',
  'Emma',
  'Jules',
  'Inès',
  'Nathan',
  'Sarah',
  'Théo',
  'Zoé',
  'Arthur',
  'Clara',
  'Paul',
  'Alice',
  'Noah',
  'Jade',
]
const LAST = [
  'Martin',
  'Bernard',
  'Dubois',
  'Thomas',
  'Robert',
  'Richard',
  'Petit',
  'Durand',
  'Leroy',
  'Moreau',
  'Simon',
  'Laurent',
  'Lefebvre',
  'Michel',
  'Garcia',
  'Roux',
]
const SITES = ['blog', 'deals', 'bons-plans', 'tech', 'voyage', 'cuisine', 'mode', 'gaming']
const UAS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36',
  'Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15',
  'Mozilla/5.0 (Linux; Android 15; Pixel 9) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Mobile Safari/537.36',
]
const BOT_UAS = ['Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)', 'facebookexternalhit/1.1', 'Twitterbot/1.0']

export interface DemoSummary {
  partners: number
  assignments: number
  events: number
  conversions: number
  payouts: number
}

export async function isEmpty(db: Queryable): Promise<boolean> {
  return (await countPartners(db)) === 0 && (await countNetworks(db)) === 0
}

export async function generateDemoData(
  database: Database,
  options: { now?: Date; seed?: number; days?: number } = {},
): Promise<DemoSummary> {
  const db = database
  const now = options.now ?? new Date()
  const days = options.days ?? 60
  const rnd = prng(options.seed ?? 42)
  const start = new Date(now.getTime() - days * DAY)
  const code = () => randomBytes(6).toString('base64url')

  // Networks and offers (the operator's side).
  const networks = await Promise.all(
    [
      { slug: 'awin', name: 'Awin', subidParam: 'clickref', preset: 'generic', defaultCurrency: 'EUR' },
      { slug: 'impact', name: 'Impact', subidParam: 'subId1', preset: 'impact', defaultCurrency: 'USD', subidSeparator: '_' },
      { slug: 'everflow', name: 'Everflow', subidParam: 'sub1', preset: 'everflow', defaultCurrency: 'EUR' },
    ].map((n) => insertNetwork(db, { ...n, postbackToken: randomBytes(16).toString('hex'), createdAt: start })),
  )
  const offerSpecs = [
    ['Box fibre', 'https://annonceur.example/fibre?affid=CF01'],
    ['Assurance auto', 'https://assur.example/devis?affid=CF02&lang=fr'],
    ['VPN Premium', 'https://vpn.example/offer?aff=CF03'],
    ['Banque en ligne', 'https://banque.example/ouvrir?affid=CF04'],
    ['Billets de train', 'https://rail.example/?affid=CF05'],
    ['Abonnement streaming', 'https://stream.example/join?ref=CF06'],
  ] as const
  const offers = []
  for (const [i, [name, url]] of offerSpecs.entries()) {
    offers.push(await insertOffer(db, { networkId: networks[i % networks.length]!.id, name, url, active: i !== 5, createdAt: start }))
  }

  // Partners (publishers).
  const partners = []
  for (let i = 0; i < 50; i++) {
    const first = rnd.pick(FIRST)
    const last = rnd.pick(LAST)
    partners.push(
      await insertPartner(db, {
        name: `${first} ${last} (${rnd.pick(SITES)})`,
        email: `${first}.${last}${i}@example.fr`
          .toLowerCase()
          .normalize('NFD')
          .replace(/[\u0300-\u036f]/g, ''),
        createdAt: new Date(start.getTime() + rnd.int(0, 10) * DAY),
      }),
    )
  }

  // Assignments: most partners post content; some wait, some failed.
  const assignments = []
  for (const partner of partners) {
    const n = rnd.int(1, 4)
    for (let k = 0; k < n; k++) {
      const r = rnd.next()
      const status = r < 0.62 ? 'posted' : r < 0.78 ? 'approved' : r < 0.93 ? 'pending' : 'failed'
      const offer = rnd.pick(offers)
      assignments.push(
        await insertAssignment(db, {
          partnerId: partner.id,
          offerId: offer.id,
          status,
          code: code(),
          createdAt: new Date(start.getTime() + rnd.int(0, 20) * DAY),
        }),
      )
    }
  }
  const live = assignments.filter((a) => a.status === 'posted')
  // Some partners are far more popular than others.
  const weight = new Map(live.map((a) => [a.id, 0.2 + rnd.next() ** 3 * 5]))
  const totalWeight = [...weight.values()].reduce((s, w) => s + w, 0)
  const pickLive = () => {
    let x = rnd.next() * totalWeight
    for (const a of live) {
      x -= weight.get(a.id)!
      if (x <= 0) return a
    }
    return live[live.length - 1]!
  }

  // Clicks with a daily rhythm (evenings busy, nights quiet), weekends busier, growth over time.
  const hourShape = [2, 1, 1, 1, 1, 2, 3, 5, 6, 6, 6, 7, 8, 7, 6, 6, 7, 8, 10, 12, 12, 10, 7, 4]
  const shapeSum = hourShape.reduce((s, v) => s + v, 0)
  let events = 0
  const clickLog: { at: Date; partnerId: number; assignmentId: number; clickId: string }[] = []
  let batch: ClickEventRow[] = []
  for (let d = 0; d < days; d++) {
    const dayStart = start.getTime() + d * DAY
    const weekday = new Date(dayStart).getUTCDay()
    const perDay = Math.round((900 + d * 12) * (weekday === 0 || weekday === 6 ? 1.25 : 1) * (0.85 + rnd.next() * 0.3))
    for (let h = 0; h < 24; h++) {
      const count = Math.round((perDay * hourShape[h]!) / shapeSum)
      for (let c = 0; c < count; c++) {
        const ts = new Date(dayStart + h * HOUR + rnd.int(0, HOUR - 1))
        if (ts > now) continue
        const a = pickLive()
        const bot = rnd.chance(0.04)
        const clickId = randomBytes(12).toString('base64url')
        batch.push({
          kind: bot ? 'bot' : 'click',
          ts,
          partnerId: a.partnerId,
          assignmentId: a.id,
          offerId: a.offerId,
          clickId,
          visitorHash: randomBytes(8).toString('hex'),
          userAgent: bot ? rnd.pick(BOT_UAS) : rnd.pick(UAS),
          referer: rnd.chance(0.6) ? `https://${rnd.pick(SITES)}.example.fr/article-${rnd.int(1, 400)}` : null,
          isUnique: !rnd.chance(0.12),
        })
        if (!bot) clickLog.push({ at: ts, partnerId: a.partnerId, assignmentId: a.id, clickId })
        if (batch.length === 500) {
          await insertClickEvents(database, batch)
          events += batch.length
          batch = []
        }
      }
    }
  }
  await insertClickEvents(database, batch)
  events += batch.length

  // Conversions: ~2.5 % of clicks, decided by the network some days later.
  const networkOf = new Map(offers.map((o) => [o.id, networks.find((n) => n.id === o.networkId)!]))
  const offerOf = new Map(assignments.map((a) => [a.id, a.offerId]))
  const pending: { data: SeedEntry['entry']; steps: string[] }[] = []
  let txn = 0
  for (const click of clickLog) {
    if (!rnd.chance(0.025)) continue
    const network = networkOf.get(offerOf.get(click.assignmentId)!)!
    const createdAt = new Date(click.at.getTime() + rnd.int(5, 180) * MINUTE_MS)
    if (createdAt > now) continue
    const ageDays = (now.getTime() - createdAt.getTime()) / DAY
    const r = rnd.next()
    const status =
      ageDays > 14
        ? r < 0.8
          ? 'confirmed'
          : r < 0.9
            ? 'rejected'
            : r < 0.95
              ? 'reversed'
              : 'pending'
        : r < 0.5
          ? 'pending'
          : r < 0.95
            ? 'confirmed'
            : 'rejected'
    const usd = network.defaultCurrency === 'USD'
    const original = rnd.int(500, 8000)
    pending.push({
      data: {
        partnerId: click.partnerId,
        type: 'conversion',
        status,
        amountCents: usd ? Math.round(original * 0.92) : original,
        originalAmount: (original / 100).toFixed(2),
        originalCurrency: usd ? 'USD' : 'EUR',
        fxRate: usd ? '0.92' : '1',
        networkId: network.id,
        txnId: `${network.slug.toUpperCase()}-${100000 + ++txn}`,
        clickId: click.clickId,
        assignmentId: click.assignmentId,
        createdAt,
        updatedAt: createdAt,
      },
      steps: status === 'pending' ? ['pending'] : status === 'reversed' ? ['pending', 'confirmed', 'reversed'] : ['pending', status],
    })
  }
  // Bulk statements: a few hundred rows each, entries first, then their history.
  for (let i = 0; i < pending.length; i += 200) {
    const chunk = pending.slice(i, i + 200)
    await seedEntries(
      db,
      chunk.map(({ data, steps }) => ({
        entry: data,
        history: steps.map((to, k) => ({
          fromStatus: k === 0 ? null : steps[k - 1]!,
          toStatus: to,
          networkWord: to === 'confirmed' ? 'approved' : to === 'rejected' ? 'declined' : to,
          amountCents: data.amountCents,
          changedAt: new Date(Math.min(now.getTime(), (data.createdAt as Date).getTime() + k * 3 * DAY)),
        })),
      })),
    )
  }
  const conversions = pending.length

  // Payouts in every status; paid ones write their ledger entry.
  let payouts = 0
  for (const [i, partner] of partners.slice(0, 24).entries()) {
    const amountCents = rnd.int(20, 120) * 100
    const requestedAt = new Date(now.getTime() - rnd.int(1, 40) * DAY)
    const status = i < 10 ? 'paid' : i < 15 ? 'approved' : i < 21 ? 'requested' : 'rejected'
    const payout = await insertPayout(db, {
      partnerId: partner.id,
      amountCents,
      status,
      requestedAt,
      approvedAt: status === 'paid' || status === 'approved' ? new Date(requestedAt.getTime() + DAY) : null,
      paidAt: status === 'paid' ? new Date(requestedAt.getTime() + 2 * DAY) : null,
      rejectedAt: status === 'rejected' ? new Date(requestedAt.getTime() + DAY) : null,
      reference: status === 'paid' ? `VIR-${2026000 + i}` : null,
      reason: status === 'rejected' ? 'IBAN invalide' : null,
    })
    if (status === 'paid') {
      await bookPaidPayout(db, { partnerId: partner.id, payoutId: payout.id, amountCents, paidAt: payout.paidAt! })
    }
    payouts++
  }

  // Two partners on hold, one lifted hold in the history.
  await insertFlag(db, {
    partnerId: partners[30]!.id,
    flag: 'hold',
    reason: 'Pic de clics suspect (trafic incentivé ?)',
    setBy: 'demo',
    setAt: new Date(now.getTime() - 3 * DAY),
  })
  await insertFlag(db, {
    partnerId: partners[12]!.id,
    flag: 'hold',
    reason: 'Justificatif de domiciliation manquant',
    setBy: 'demo',
    setAt: new Date(now.getTime() - 9 * DAY),
  })
  await insertFlag(db, {
    partnerId: partners[5]!.id,
    flag: 'hold',
    reason: 'Vérification KYC',
    setBy: 'demo',
    setAt: new Date(now.getTime() - 20 * DAY),
    clearedAt: new Date(now.getTime() - 15 * DAY),
    clearedBy: 'demo',
    clearReason: 'KYC validé',
  })

  // A few postback log lines, among them rejected ones to look at.
  await insertPostbackLogLines(db, [
    {
      method: 'GET',
      rawQuery: 'subid=9:999:zz&amount=12.50&currency=JPY&status=approved&txn_id=X-1&network=awin&token=***',
      sourceIp: '203.0.113.7',
      networkSlug: 'awin',
      outcome: 'rejected',
      reason: 'unknown currency JPY',
      receivedAt: new Date(now.getTime() - 5 * HOUR),
    },
    {
      method: 'GET',
      rawQuery: 'subid=abc&amount=10&status=approved&txn_id=X-2&network=impact&token=***',
      sourceIp: '203.0.113.8',
      networkSlug: 'impact',
      outcome: 'rejected',
      reason: 'malformed subid',
      receivedAt: new Date(now.getTime() - 2 * HOUR),
    },
  ])

  return { partners: partners.length, assignments: assignments.length, events, conversions, payouts }
}
