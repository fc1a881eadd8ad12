// The tracking runtime of one server instance: the link cache, the click group
// commit, the recent-visitor memory, the network cache of the postback endpoint.
// Registered with the public routes; the admin API (another route context) reaches
// it through trackingOf(app) to invalidate what it changed. Closing the app
// flushes the click queue before the database closes: no acknowledged click is
// lost on SIGTERM.
import type { FastifyInstance } from 'fastify'
import fp from 'fastify-plugin'
import { insertClickEvents } from '../db/click-store.ts'
import { NetworkCache } from '../postbacks/network-cache.ts'
import type { PostbackContext } from '../postbacks/receive-postback.ts'
import { ClickWriter } from '../tracking/click-writer.ts'
import { LinkCache, databaseLinkLoader } from '../tracking/link-cache.ts'
import type { ClickTracker } from '../tracking/track-click.ts'
import { RecentVisitors } from '../tracking/visitor.ts'

export interface TrackingRuntime {
  tracker: ClickTracker
  networks: NetworkCache
  postbacks: PostbackContext
  /** The admin API changed an assignment (code given) or a network/offer (all links). */
  linksChanged(code?: string): void
  networksChanged(): void
}

// One runtime per server: keyed by the HTTP server object, which every route
// context of an app shares (decorations would stay inside the public context).
const runtimes = new WeakMap<object, TrackingRuntime>()

export function trackingOf(app: FastifyInstance): TrackingRuntime | undefined {
  return runtimes.get(app.server)
}

export default fp(
  async (app) => {
    const metrics = app.hasDecorator('metrics') ? app.metrics : undefined
    const db = app.db
    const log = app.log.child({ component: 'tracking' })
    const clicks = new ClickWriter((rows) => insertClickEvents(db, rows), {
      // SQLite has one writer: overlapping batches would only queue; PostgreSQL commits a few at once.
      maxInFlight: app.database.provider === 'sqlite' ? 1 : 4,
      logger: log,
      observer: metrics && {
        committed(rows, seconds) {
          let bots = 0
          for (const r of rows) if (r.kind === 'bot') bots++
          if (rows.length > bots) metrics.clicksRecorded.inc({ kind: 'click' }, rows.length - bots)
          if (bots) metrics.clicksRecorded.inc({ kind: 'bot' }, bots)
          metrics.clickBatchSize.observe(rows.length)
          metrics.clickFlushSeconds.observe(seconds)
        },
        failedAttempt: () => metrics.clickFlushFailures.inc(),
        lost: (count) => metrics.clicksLost.inc(count),
      },
    })
    const links = new LinkCache(databaseLinkLoader(db), {
      onRefreshError: (err, code) => log.warn({ err, code }, 'link refresh failed: serving the cached link'),
    })
    const networks = new NetworkCache(db)
    const runtime: TrackingRuntime = {
      tracker: { links, clicks, visitors: new RecentVisitors(), ipHashSalt: app.config.ipHashSalt },
      networks,
      postbacks: {
        database: app.database,
        fxRates: app.config.fxRates,
        salt: app.config.ipHashSalt,
        networks: (slug) => networks.get(slug),
        onError: (err, stage) => {
          metrics?.databaseErrors.inc({ operation: stage })
          log.error({ err, stage }, 'postback processing failed')
        },
      },
      linksChanged: (code) => (code ? links.invalidate(code) : links.invalidateAll()),
      networksChanged: () => {
        networks.invalidateAll()
        links.invalidateAll()
      },
    }
    runtimes.set(app.server, runtime)
    // This context is a child of the database plugin's: its onClose runs first.
    app.addHook('onClose', async () => {
      await clicks.flush()
      runtimes.delete(app.server)
    })
  },
  { name: 'tracking', dependencies: ['database'] },
)
