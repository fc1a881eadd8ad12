// A partner signed in to the portal of a running server, as a browser does: a
// sign-in link made through the admin API (POST /admin/api/partners/:id/portal-link),
// its confirmation page (the pre-session CSRF token and cookie), then the POST
// that uses the link and sets the portal's session cookie (cf_portal).
function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

/** The Cookie header of a live portal session of `partnerId`. */
export async function portalSignIn(baseUrl: string, adminSecret: string, partnerId: number): Promise<string> {
  const made = await fetch(`${baseUrl}/admin/api/partners/${partnerId}/portal-link`, {
    method: 'POST',
    headers: { 'x-admin-secret': adminSecret },
  })
  if (made.status !== 201) throw new Error(`bench portal link: ${made.status} ${await made.text()}`)
  const token = new URL(((await made.json()) as { url: string }).url).searchParams.get('token') ?? ''
  const jar = new Map<string, string>()
  const page = await fetch(`${baseUrl}/p/auth?token=${token}`, { headers: { accept: 'text/html' }, redirect: 'manual' })
  cookiesOf(page, jar)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1]
  if (!csrf) throw new Error('bench portal sign-in: no CSRF token on the confirmation page')
  const res = await fetch(`${baseUrl}/p/auth`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: header(jar) },
    body: new URLSearchParams({ _csrf: csrf, token }).toString(),
    redirect: 'manual',
  })
  cookiesOf(res, jar)
  if (res.status !== 303 || !jar.has('cf_portal')) throw new Error(`bench portal sign-in: ${res.status}, no portal cookie`)
  return header(jar)
}
