// One URL timed as a person meets it: a few requests to warm up (JIT, the
// database's cache, prepared plans), then N in a row on one keep-alive
// connection, each timed from sending to the last byte of the body. A slow URL
// stops early, after `maxSeconds` and at least 10 requests, so that one page
// far over its target cannot hold the run for many minutes.
export interface RequestTiming {
  p50Ms: number
  p95Ms: number
  requests: number
  /** Answers that were not 200. */
  errors: number
  /** The last answer's body. */
  body: string
  bytes: number
}

export async function timeRequests(
  url: string,
  headers: Record<string, string>,
  options: { warmup: number; requests: number; maxSeconds?: number },
): Promise<RequestTiming> {
  const once = async () => {
    const t = process.hrtime.bigint()
    const res = await fetch(url, { headers, redirect: 'manual' })
    const body = await res.text()
    return { ms: Number(process.hrtime.bigint() - t) / 1e6, ok: res.status === 200, body }
  }
  for (let i = 0; i < options.warmup; i++) await once()
  const times: number[] = []
  let errors = 0
  let body = ''
  const stopAt = Date.now() + (options.maxSeconds ?? Infinity) * 1000
  for (let i = 0; i < options.requests && (i < 10 || Date.now() < stopAt); i++) {
    const r = await once()
    times.push(r.ms)
    if (!r.ok) errors++
    body = r.body
  }
  times.sort((a, b) => a - b)
  const at = (q: number) => times[Math.min(times.length - 1, Math.ceil(q * times.length) - 1)]!
  return { p50Ms: at(0.5), p95Ms: at(0.95), requests: times.length, errors, body, bytes: Buffer.byteLength(body) }
}
