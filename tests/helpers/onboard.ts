// Sets up a live tracked link through the admin API of a running server, as an
// operator would: a network, an offer, a partner, a posted assignment; then one
// real click gives the sub-id the postbacks carry. Used by the bench and the
// reliability tests.
export interface BenchLink {
  code: string
  subid: string
  /** Postback URL without txn_id (append `&txn_id=…`). */
  postbackUrl: string
  token: string
  partnerId: number
  assignmentId: number
}

export async function onboardBenchLink(baseUrl: string, adminSecret: string, slug = 'benchnet'): Promise<BenchLink> {
  const api = async (path: string, body: unknown) => {
    const res = await fetch(`${baseUrl}/admin/api/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-secret': adminSecret },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`POST /admin/api/${path}: ${res.status} ${await res.text()}`)
    return (await res.json()) as Record<string, unknown>
  }
  const token = 'bench-postback-token-0123456789'
  await api('networks', { slug, name: 'Bench network', subidParam: 'subid', postbackToken: token })
  const offer = await api('offers', { network: slug, name: 'Bench offer', url: 'https://advertiser.example/landing?affid=CF01' })
  const partner = await api('partners', { name: 'Bench partner' })
  const assignment = await api('assignments', { partnerId: partner.id, offerId: offer.id, status: 'posted' })
  const code = String(assignment.code)
  const click = await fetch(`${baseUrl}/r/${code}`, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (bench)' } })
  const location = click.headers.get('location')
  if (click.status !== 302 || !location) throw new Error(`bench click: expected a 302, got ${click.status}`)
  const subid = new URL(location).searchParams.get('subid')
  if (!subid) throw new Error(`bench click: no subid in ${location}`)
  const q = new URLSearchParams({ network: slug, token, subid, amount: '12,50', currency: 'EUR', status: 'approved' })
  return {
    code,
    subid,
    postbackUrl: `${baseUrl}/aff/postback?${q}`,
    token,
    partnerId: Number(partner.id),
    assignmentId: Number(assignment.id),
  }
}
