// The one place a postback's outcome becomes an HTTP answer (DESIGN.md "Postback
// contract"); a network retries on anything but a 2xx:
//   200 OK          accepted (new conversion, a status move, an amount correction or a return)
//   200 DUPLICATE   already known, or a late pending (so the network stops retrying)
//   400 ERROR …     malformed: unknown network, bad sub-id, amount, currency, status;
//                   a return on an unknown conversion
//   403 ERROR …     bad token or source IP
//   429 ERROR …     over its source's rate limit
//   5xx ERROR …     our fault only; the retry is safe
import type { Verdict } from '../postbacks/receive-postback.ts'

export interface PostbackAnswer {
  status: number
  body: string
}

export function postbackAnswer(v: Pick<Verdict, 'outcome' | 'code' | 'reason'>): PostbackAnswer {
  switch (v.outcome) {
    case 'accepted':
    case 'updated':
      return { status: 200, body: 'OK' }
    case 'duplicate':
      return { status: 200, body: 'DUPLICATE' }
    case 'rejected':
      return { status: v.code === 'rate_limited' ? 429 : 400, body: `ERROR ${v.reason ?? 'error'}` }
    case 'forbidden':
      return { status: 403, body: `ERROR ${v.reason ?? 'error'}` }
    case 'error':
      return { status: v.code === 'database' ? 503 : 500, body: `ERROR ${v.reason ?? 'error'}` }
  }
}
