// Bounded click and postback traffic against a running server, remembering what
// the server acknowledged: a click answered 302 (its click id is in the Location),
// a postback answered 200. Stops by itself at its deadline or when told to.
import type { BenchLink } from './onboard.ts'

export interface Acknowledged {
  clicks: string[]
  /** txn id → the HTTP answer body */
  postbacks: Map<string, string>
  failures: number
}

export interface TrafficOptions {
  baseUrl: string
  link: BenchLink
  workers: number
  /** Hard stop (ms from now): the loops are bounded in time. */
  maxMs: number
  /** A postback every N clicks per worker. */
  postbackEvery?: number
  txnPrefix: string
  /** Sub-id parameter name on the offer's network. */
  subidParam?: string
}

export function startTraffic(o: TrafficOptions): { stop(): void; done: Promise<Acknowledged> } {
  const ack: Acknowledged = { clicks: [], postbacks: new Map(), failures: 0 }
  const deadline = Date.now() + o.maxMs
  let stopped = false
  const param = o.subidParam ?? 'subid'
  const worker = async (w: number) => {
    for (let i = 0; !stopped && Date.now() < deadline; i++) {
      try {
        const res = await fetch(`${o.baseUrl}/r/${o.link.code}`, {
          redirect: 'manual',
          headers: { 'user-agent': `Mozilla/5.0 (traffic ${w})` },
        })
        await res.arrayBuffer()
        const location = res.headers.get('location')
        if (res.status !== 302 || !location) {
          ack.failures++
          continue
        }
        const subid = new URL(location).searchParams.get(param)!
        ack.clicks.push(subid.split(':').slice(2).join(':')) // pid:aid:clk (the network uses ':')
        if (i % (o.postbackEvery ?? 3) === 0) {
          const txn = `${o.txnPrefix}-${w}-${i}`
          const url = new URL(o.link.postbackUrl)
          url.host = new URL(o.baseUrl).host // the server may have restarted on another port
          url.searchParams.set('subid', subid)
          url.searchParams.set('txn_id', txn)
          const pb = await fetch(url)
          const body = await pb.text()
          if (pb.status === 200) ack.postbacks.set(txn, body)
          else ack.failures++
        }
      } catch {
        ack.failures++
        if (stopped) break
        await new Promise((r) => setTimeout(r, 20))
      }
    }
  }
  const done = Promise.all(Array.from({ length: o.workers }, (_, w) => worker(w))).then(() => ack)
  return { stop: () => (stopped = true), done }
}
