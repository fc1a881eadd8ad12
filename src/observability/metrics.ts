// What operators graph and alert on, in Prometheus format. One registry per app
// (tests build many apps in one process); the domain modules count through
// `app.metrics`, the HTTP layer through hooks.
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client'
import { RequestTallies } from './request-tallies.ts'

export interface Metrics {
  registry: Registry
  /** contentflow_http_requests_total and contentflow_http_request_duration_seconds (request-tallies.ts). */
  requests: RequestTallies
  clicksRecorded: Counter<'kind'>
  clicksLost: Counter
  clickBatchSize: Histogram
  clickFlushSeconds: Histogram
  clickFlushFailures: Counter
  postbacks: Counter<'outcome' | 'reason'>
  /** Postbacks that failed authentication past their source's log rate: answered, not written to the postback log. */
  postbacksUnlogged: Counter
  databaseErrors: Counter<'operation'>
}

export function createMetrics(): Metrics {
  const registry = new Registry()
  registry.setDefaultLabels({ app: 'contentflow' })
  collectDefaultMetrics({ register: registry })
  const seconds = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5]
  const registers = [registry]
  return {
    registry,
    requests: new RequestTallies({
      registry,
      requestsName: 'contentflow_http_requests_total',
      requestsHelp: 'HTTP requests by route and status',
      durationName: 'contentflow_http_request_duration_seconds',
      durationHelp: 'Time to answer, by route (the redirect is route /r/:code)',
      buckets: seconds,
    }),
    clicksRecorded: new Counter({
      name: 'contentflow_clicks_recorded_total',
      help: 'Click events committed to the database, by kind (click, bot)',
      labelNames: ['kind'],
      registers,
    }),
    clicksLost: new Counter({
      name: 'contentflow_clicks_lost_total',
      help: 'Click events lost: not written after a retry, or dropped because the queue was full while the database was stalled',
      registers,
    }),
    clickBatchSize: new Histogram({
      name: 'contentflow_click_batch_size',
      help: 'Clicks per group-commit batch',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500],
      registers,
    }),
    clickFlushSeconds: new Histogram({
      name: 'contentflow_click_flush_duration_seconds',
      help: 'Time to commit one click batch',
      buckets: seconds,
      registers,
    }),
    clickFlushFailures: new Counter({
      name: 'contentflow_click_flush_failures_total',
      help: 'Click batches whose commit failed (before retry)',
      registers,
    }),
    postbacks: new Counter({
      name: 'contentflow_postbacks_total',
      help: 'Postbacks by outcome (accepted, duplicate, updated, rejected, forbidden, error) and reason',
      labelNames: ['outcome', 'reason'],
      registers,
    }),
    postbacksUnlogged: new Counter({
      name: 'contentflow_postbacks_unlogged_total',
      help: "Postbacks that failed authentication past their source's log rate: answered and counted, not written to the postback log",
      registers,
    }),
    databaseErrors: new Counter({
      name: 'contentflow_database_errors_total',
      help: 'Database operations that failed',
      labelNames: ['operation'],
      registers,
    }),
  }
}
