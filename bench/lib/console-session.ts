// A person signed in to the console of a running server, over HTTP as a browser
// does: an account made through the admin API (the header secret), then the
// login form (its CSRF token and cookie), keeping the session cookie it sets.
// The console's pages are timed with that cookie, so each request pays what a
// person's does (the session looked up and touched), not the header secret's path.
const PASSWORD = 'bench console password 0123456789'

export interface SignedIn {
  /** The Cookie header to send. */
  cookie: string
  email: string
}

function cookiesOf(res: Response, jar: Map<string, string>): void {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';')
    const eq = pair!.indexOf('=')
    if (eq > 0) jar.set(pair!.slice(0, eq).trim(), pair!.slice(eq + 1).trim())
  }
}

const header = (jar: Map<string, string>) => [...jar].map(([k, v]) => `${k}=${v}`).join('; ')

export async function signIn(baseUrl: string, adminSecret: string, role: 'owner' | 'ops' | 'viewer' = 'owner'): Promise<SignedIn> {
  const email = `bench.${role}.${Date.now()}@bench.example`
  const made = await fetch(`${baseUrl}/admin/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-admin-secret': adminSecret },
    body: JSON.stringify({ email, name: 'Bench', role, password: PASSWORD }),
  })
  if (made.status !== 201) throw new Error(`bench account: ${made.status} ${await made.text()}`)
  const jar = new Map<string, string>()
  const form = await fetch(`${baseUrl}/login`, { headers: { accept: 'text/html' }, redirect: 'manual' })
  cookiesOf(form, jar)
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await form.text())?.[1]
  if (!csrf) throw new Error('bench login: no CSRF token in the login form')
  const res = await fetch(`${baseUrl}/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html', cookie: header(jar) },
    body: new URLSearchParams({ _csrf: csrf, email, password: PASSWORD, next: '/admin/monitoring' }).toString(),
    redirect: 'manual',
  })
  cookiesOf(res, jar)
  if (res.status !== 303 || !jar.has('cf_session')) throw new Error(`bench login: ${res.status}, no session cookie`)
  return { cookie: header(jar), email }
}
