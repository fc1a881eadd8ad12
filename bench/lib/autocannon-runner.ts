// autocannon in its own process (so it can be pinned to its own core); prints one JSON line.
import autocannon from 'autocannon'
import type { LoadOptions, LoadResult } from './load.ts'

const o = JSON.parse(process.argv[2]!) as LoadOptions
let n = 0
const result = await autocannon({
  url: o.url,
  connections: o.connections,
  duration: o.seconds,
  method: o.method ?? 'GET',
  headers: o.headers,
  requests: o.uniqueParam
    ? [
        {
          setupRequest: (req: autocannon.Request) => {
            n++
            req.path = (req.path ?? '/').replace(new RegExp(`(${o.uniqueParam}=[^&]*)`), `$1-${n}-${Math.floor(Math.random() * 1e9)}`)
            return req
          },
        },
      ]
    : undefined,
})
const ok = result['2xx'] + result['3xx']
const out: LoadResult = {
  tool: 'autocannon',
  requests: result.requests.total,
  rps: result.requests.average,
  p50Ms: result.latency.p50,
  p99Ms: result.latency.p99,
  errors: result.requests.total - ok + result.errors + result.timeouts,
}
console.log(JSON.stringify(out))
