// One background job's timer: a pass shortly after start, then every interval,
// never on a request's path; one pass at a time (runNow joins the one under way);
// a failed pass is logged and retried at the next; on close, the job is told to
// stop between its batches and the pass under way finishes before the database
// closes.
import type { FastifyInstance } from 'fastify'

export interface BackgroundPasses<R> {
  /** Runs a pass now (or waits for the one under way); null when it failed. */
  runNow(now?: Date): Promise<R | null>
}

export interface PassOptions<R> {
  /** One pass; `stopping()` turns true when the server closes. */
  run(now: Date | undefined, stopping: () => boolean): Promise<R>
  /** Logs what a pass did (called after each successful pass). */
  report(result: R): void
  /** The warning logged when a pass fails. */
  failure: string
  firstAfterMs: number
  everyMs: number
}

export function backgroundPasses<R>(app: FastifyInstance, options: PassOptions<R>): BackgroundPasses<R> {
  let running: Promise<R | null> | null = null
  let closing = false
  const runNow = (now?: Date): Promise<R | null> => {
    running ??= options
      .run(now, () => closing)
      .then((result) => {
        options.report(result)
        return result
      })
      .catch((err: unknown) => {
        app.log.warn({ err }, options.failure)
        return null
      })
      .finally(() => {
        running = null
      })
    return running
  }
  let first: NodeJS.Timeout | undefined
  let timer: NodeJS.Timeout | undefined
  app.addHook('onReady', async () => {
    first = setTimeout(() => void runNow(), options.firstAfterMs)
    first.unref()
    timer = setInterval(() => void runNow(), options.everyMs)
    timer.unref()
  })
  app.addHook('preClose', async () => {
    closing = true
    clearTimeout(first)
    clearInterval(timer)
    await running
  })
  return { runNow }
}
