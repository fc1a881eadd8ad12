// The HTTP request metrics, counted per request into plain numbers and handed to
// prom-client only when /metrics is scraped. prom-client's own inc() and observe()
// check and hash the labels on every call, bound children included: a visible
// share of the redirect's throughput at tens of thousands of requests a second.
// The series, their names and their text are what prom-client's Counter and
// Histogram give; only the counting moved out of the request.
import { Counter, type Metric, type Registry } from 'prom-client'

interface CountSeries {
  labels: { method: string; route: string; status: number }
  pending: number
}

interface DurationSeries {
  route: string
  /** Observations per bucket (not cumulative); the last is above every bound (+Inf). */
  buckets: number[]
  sum: number
  count: number
}

interface SampleLine {
  metricName: string
  labels: Record<string, string | number>
  sharedLabels?: Record<string, string>
  value: number
  /** Buckets carry prom-client's empty exemplar (null), as its own histogram's do. */
  exemplar?: null
}

export interface RequestTalliesOptions {
  registry: Registry
  requestsName: string
  requestsHelp: string
  durationName: string
  durationHelp: string
  /** Upper bounds in seconds, ascending. */
  buckets: readonly number[]
}

export class RequestTallies {
  private readonly counts = new Map<string, CountSeries>()
  private readonly durations = new Map<string, DurationSeries>()
  private readonly bounds: readonly number[]

  constructor(options: RequestTalliesOptions) {
    this.bounds = options.buckets
    const counts = this.counts
    // A counter that catches up at scrape time (collect), through its public inc().
    new Counter({
      name: options.requestsName,
      help: options.requestsHelp,
      labelNames: ['method', 'route', 'status'],
      registers: [options.registry],
      collect() {
        for (const series of counts.values()) {
          if (series.pending === 0) continue
          this.inc(series.labels, series.pending)
          series.pending = 0
        }
      },
    })
    options.registry.registerMetric(this.durationMetric(options.durationName, options.durationHelp) as unknown as Metric)
  }

  /** One answered request. Series stay bounded: routes are patterns, not URLs. */
  record(method: string, route: string, status: number, seconds: number): void {
    const key = `${method} ${status} ${route}`
    let count = this.counts.get(key)
    if (!count) {
      count = { labels: { method, route, status }, pending: 0 }
      this.counts.set(key, count)
    }
    count.pending++
    let duration = this.durations.get(route)
    if (!duration) {
      duration = { route, buckets: new Array<number>(this.bounds.length + 1).fill(0), sum: 0, count: 0 }
      this.durations.set(route, duration)
    }
    let i = 0
    while (i < this.bounds.length && seconds > this.bounds[i]!) i++
    duration.buckets[i]!++
    duration.sum += seconds
    duration.count++
  }

  /**
   * The duration histogram as prom-client's registry reads a metric: get() for
   * JSON, getForPromString() for the text format (route as a shared label, so the
   * lines read as prom-client's own histogram writes them).
   */
  private durationMetric(name: string, help: string) {
    // prom-client's typings describe its registry's input loosely (a numeric type
    // enum where it reads 'histogram'): the shape below is what its code reads.
    const snapshot = (shared: boolean) => {
      const values: SampleLine[] = []
      for (const d of this.durations.values()) {
        const line = (metricName: string, own: Record<string, string | number>, value: number, bucket = false) => {
          const labels = shared ? own : { ...own, route: d.route }
          values.push({
            metricName,
            labels,
            ...(shared ? { sharedLabels: { route: d.route } } : {}),
            value,
            ...(bucket ? { exemplar: null } : {}),
          })
        }
        let cumulative = 0
        this.bounds.forEach((le, i) => {
          line(`${name}_bucket`, { le }, (cumulative += d.buckets[i]!), true)
        })
        line(`${name}_bucket`, { le: '+Inf' }, d.count, true)
        line(`${name}_sum`, {}, d.sum)
        line(`${name}_count`, {}, d.count)
      }
      return { name, help, type: 'histogram', aggregator: 'sum', values }
    }
    return {
      name,
      help,
      type: 'histogram',
      aggregator: 'sum',
      get: async () => snapshot(false),
      getForPromString: async () => snapshot(true),
      reset: () => {
        this.durations.clear()
      },
    }
  }
}
