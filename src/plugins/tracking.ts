// The tracking runtime of one server instance (app.tracking): the link cache,
// the click group commit, the recent-visitor memory, the postback endpoint's
// network cache and group commit. The admin API uses it to invalidate what it
// changed. Closing the app writes the queued clicks and postbacks before the
// database closes: nothing acknowledged is lost on SIGTERM.
import fp from 'fastify-plugin'
import { TurnBatcher } from '../db/group-commit.ts'
import { insertClickEvents } from '../db/hot/index.ts'
import { NetworkCache } from '../postbacks/network-cache.ts'
import { recordPostbackBatch, type BatchItem } from '../postbacks/record-batch.ts'
import { UnauthenticatedLogGate, UNAUTHENTICATED_LOG_WINDOW_MS } from '../postbacks/unauthenticated-log.ts'
import type { PostbackContext, Recorded } from '../postbacks/receive-postback.ts'
import { ClickWriter } from '../tracking/click-writer.ts'
import { LinkCache, databaseLinkLoader } from '../tracking/link-cache.ts'
import type { ClickTracker } from '../tracking/track-click.ts'
import { RecentVisitors } from '../tracking/visitor.ts'

export interface TrackingRuntime {
  tracker: ClickTracker
  networks: NetworkCache
  /** Postback group commit (stats for tests and metrics). */
  postbackBatches: TurnBatcher<BatchItem, Recorded>
  postbacks: PostbackContext
  /** The admin API changed an assignment (code given) or a network/offer (all links). */
  linksChanged(code?: string): void
  networksChanged(): void
}

export default fp(
  async (app) => {
    const metrics = app.metrics
    const log = app.log.child({ component: 'tracking' })
    const clicks = new ClickWriter((rows) => insertClickEvents(app.database, rows), {
      // One batch at a time on both databases. SQLite has one writer, so overlapping
      // batches would only queue. On PostgreSQL they would contend for their day's
      // rollup row, and batches would stay small (slower with 4 in flight).
      maxInFlight: 1,
      // PostgreSQL answers over a socket, and under load the loop would sleep for
      // each answer (click-writer.ts). SQLite writes on the loop's own thread: no wait.
      // 8 clicks: batches are ~25 at saturation, 1–2 on a quiet server.
      busyPollMinRows: app.database.provider === 'postgresql' ? 8 : undefined,
      logger: log,
      observer: {
        committed(rows, seconds) {
          let bots = 0
          for (const r of rows) if (r.kind === 'bot') bots++
          if (rows.length > bots) metrics.clicksRecorded.inc({ kind: 'click' }, rows.length - bots)
          if (bots) metrics.clicksRecorded.inc({ kind: 'bot' }, bots)
          metrics.clickBatchSize.observe(rows.length)
          metrics.clickFlushSeconds.observe(seconds)
        },
        failedAttempt: () => {
          metrics.clickFlushFailures.inc()
        },
        lost: (count) => {
          metrics.clicksLost.inc(count)
        },
      },
    })
    const links = new LinkCache(databaseLinkLoader(app.database), {
      onRefreshError: (err, code) => {
        log.warn({ err, code }, 'link refresh failed: serving the cached link')
      },
    })
    const networks = new NetworkCache(app.database)
    // Postbacks are group-committed too (postbacks/record-batch.ts).
    const postbacks = new TurnBatcher<BatchItem, Recorded>((items) => recordPostbackBatch(app.database, items, log), {
      maxBatch: 200,
      maxInFlight: app.database.provider === 'sqlite' ? 1 : 4,
    })
    // Requests that fail authentication: a few log lines per second per source, the rest counted.
    const perSecond = app.config.postbackUnauthenticatedLogRate
    const unauthenticatedLog = new UnauthenticatedLogGate(perSecond, {
      onSkip: (sourceIp, warn, skipped) => {
        metrics.postbacksUnlogged.inc()
        if (warn)
          log.warn(
            { sourceIp, perSecond, windowMs: UNAUTHENTICATED_LOG_WINDOW_MS, skipped },
            'postbacks failing authentication over the log rate: counted, not logged',
          )
      },
    })
    const runtime: TrackingRuntime = {
      tracker: { links, clicks, visitors: new RecentVisitors(), ipHashSalt: app.config.ipHashSalt },
      networks,
      postbackBatches: postbacks,
      postbacks: {
        database: app.database,
        fxRates: app.config.fxRates,
        salt: app.config.ipHashSalt,
        networks: (slug) => networks.get(slug),
        record: (received, report) => postbacks.submit({ received, report }),
        onError: (err, stage) => {
          metrics.databaseErrors.inc({ operation: stage })
          log.error({ err, stage }, 'postback processing failed')
        },
        unauthenticatedLog,
      },
      linksChanged: (code) => {
        if (code) links.invalidate(code)
        else links.invalidateAll()
      },
      networksChanged: () => {
        networks.invalidateAll()
        links.invalidateAll()
      },
    }
    app.decorate('tracking', runtime)
    // Registered after the database: onClose hooks run in reverse, so this one runs first.
    app.addHook('onClose', async () => {
      await Promise.all([clicks.flush(), postbacks.flush()])
    })
  },
  { name: 'tracking', dependencies: ['database', 'metrics'] },
)

declare module 'fastify' {
  interface FastifyInstance {
    tracking: TrackingRuntime
  }
}
