// The one place a postback's outcome becomes an HTTP answer (DESIGN.md "Postback
// contract"); a network retries on anything but a 2xx:
//   200 OK          accepted (new conversion or a status change)
//   200 DUPLICATE   already known (so the network stops retrying)
//   400 ERROR …     malformed: unknown network, bad sub-id, amount, currency, status
//   403 ERROR …     bad token or source IP
//   409 ERROR …     the entry's status refuses this change (logged for ops)
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
      return { status: v.code === 'invalid_transition' ? 409 : v.code === 'rate_limited' ? 429 : 400, body: `ERROR ${v.reason ?? 'error'}` }
    case 'forbidden':
      return { status: 403, body: `ERROR ${v.reason ?? 'error'}` }
    case 'error':
      return { status: v.code === 'database' ? 503 : 500, body: `ERROR ${v.reason ?? 'error'}` }
  }
}
