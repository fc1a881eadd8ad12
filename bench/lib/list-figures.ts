// The console's lists and reports over the generated data (issues 29 and 30):
// /admin/conversions and /admin/postbacks, first pages and filtered ones and the
// page after through the keyset cursor, and the 30-day breakdown by partner as a
// page and as JSON. Each is timed by request-timing.ts with a signed-in
// person's session cookie; the target is a p50 of at most 100 ms, and an answer
// without rows fails too (a filter that matched nothing was not measured).
import { withCpuPerRequest } from './cpu-time.ts'
import { timeRequests } from './request-timing.ts'

export const LIST_TARGET_MS = 100

export interface ListContext {
  baseUrl: string
  /** The server's process: its CPU per request is shown beside the latencies. */
  serverPid: number | undefined
  cookie: string
  /** A network's slug with conversions and log lines. */
  networkSlug: string
  partnerId: number
  /** A network's postback source address. */
  address: string
  now: Date
  warmup: number
  requests: number
}

export interface ListFigure {
  name: string
  p50Ms: number
  p95Ms: number
  ok: boolean
  detail: string
}

interface Target {
  name: string
  path: string
  json?: boolean
  /** Time the page after this one, reached through its cursor: the query parameter that carries it. */
  next?: 'cursor' | 'after'
}

const DAY_MS = 24 * 60 * 60 * 1000
const day = (d: Date) => d.toISOString().slice(0, 10)

export function listTargets(c: ListContext): Target[] {
  const today = day(c.now)
  const week = day(new Date(c.now.getTime() - 6 * DAY_MS))
  const month = day(new Date(c.now.getTime() - 29 * DAY_MS))
  return [
    { name: '/admin/conversions', path: '/admin/conversions' },
    { name: '/admin/conversions, status=pending', path: '/admin/conversions?status=pending' },
    { name: '/admin/conversions, flag=any', path: '/admin/conversions?flag=any' },
    { name: '/admin/conversions, flag=unknown_click', path: '/admin/conversions?flag=unknown_click' },
    { name: '/admin/conversions, network', path: `/admin/conversions?network=${c.networkSlug}` },
    { name: '/admin/conversions, partner', path: `/admin/conversions?partner=${c.partnerId}` },
    { name: '/admin/conversions, 7 days', path: `/admin/conversions?from=${week}&to=${today}` },
    { name: '/admin/conversions, next page', path: '/admin/conversions', next: 'cursor' },
    { name: '/admin/postbacks', path: '/admin/postbacks' },
    { name: '/admin/postbacks, outcome=rejected', path: '/admin/postbacks?outcome=rejected' },
    { name: '/admin/postbacks, network', path: `/admin/postbacks?network=${c.networkSlug}` },
    { name: '/admin/postbacks, source address', path: `/admin/postbacks?source=${c.address}` },
    { name: '/admin/postbacks, next page', path: '/admin/postbacks', next: 'after' },
    { name: '/admin/reports, by partner, 30 days', path: `/admin/reports?groupBy=partner&from=${month}&to=${today}` },
    { name: '/admin/api/reports, by partner, 30 days', path: `/admin/api/reports?groupBy=partner&from=${month}&to=${today}`, json: true },
  ]
}

/** The rows an answer shows: a JSON answer's longest array, a page's table body rows. */
export function rowsOf(body: string, json: boolean): number {
  if (json) {
    const value: unknown = JSON.parse(body)
    if (Array.isArray(value)) return value.length
    const arrays = Object.values(value as Record<string, unknown>).filter(Array.isArray)
    return Math.max(0, ...arrays.map((a) => a.length))
  }
  const tbody = body.split(/<tbody[^>]*>/).slice(1)
  return tbody.reduce((n, part) => n + (part.split('</tbody>')[0]!.match(/<tr[\s>]/g)?.length ?? 0), 0)
}

/** An answer that does not parse shows no rows. */
function safeRows(body: string, json: boolean): number {
  try {
    return rowsOf(body, json)
  } catch {
    return 0
  }
}

/** The cursor of the page after this one: a JSON answer's nextPage, a page's link with ?<param>=. */
export function nextCursor(body: string, json: boolean, param: string): string | null {
  if (json) return (JSON.parse(body) as { nextPage?: string | null }).nextPage ?? null
  const m = new RegExp(`[?&](?:amp;)?${param}=([A-Za-z0-9_%.-]+)`).exec(body)
  return m ? decodeURIComponent(m[1]!) : null
}

export async function measureLists(c: ListContext, only?: (t: Target) => boolean): Promise<ListFigure[]> {
  const headers = { cookie: c.cookie, accept: 'text/html' }
  const out: ListFigure[] = []
  for (const t of listTargets(c).filter(only ?? (() => true))) {
    const json = t.json ?? false
    const h = json ? { cookie: c.cookie, accept: 'application/json' } : headers
    let path = t.path
    if (t.next) {
      const first = await fetch(`${c.baseUrl}${t.path}`, { headers: h, redirect: 'manual' })
      const cursor = first.status === 200 ? nextCursor(await first.text(), json, t.next) : null
      if (!cursor) {
        out.push({ name: t.name, p50Ms: NaN, p95Ms: NaN, ok: false, detail: `no next page on ${t.path} (${first.status})` })
        continue
      }
      path = `${t.path}${t.path.includes('?') ? '&' : '?'}${t.next}=${encodeURIComponent(cursor)}`
    }
    await timeRequests(`${c.baseUrl}${path}`, h, { warmup: c.warmup - 1, requests: 1 })
    // CPU per request: on a machine shared with other work, the latency grows with the
    // load and this does not (much): it tells a slower machine from a slower page.
    const r = await withCpuPerRequest(c.serverPid, () =>
      timeRequests(`${c.baseUrl}${path}`, h, { warmup: 0, requests: c.requests, maxSeconds: 30 }),
    )
    const cpu = r.cpuUsPerRequest === undefined ? '' : `, server CPU ${(r.cpuUsPerRequest / 1000).toFixed(1)} ms a request`
    const rows = r.errors === r.requests ? 0 : safeRows(r.body, json)
    out.push({
      name: t.name,
      p50Ms: r.p50Ms,
      p95Ms: r.p95Ms,
      ok: r.p50Ms <= LIST_TARGET_MS && r.errors === 0 && rows > 0,
      detail: `p95 ${r.p95Ms.toFixed(1)} ms${cpu}; ${r.requests} requests after ${c.warmup}, ${r.errors} not 200; ${rows} rows, ${Math.round(r.bytes / 1024)} KB; ${path}`,
    })
  }
  return out
}
