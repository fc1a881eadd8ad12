// A browser-like session over app.inject(): keeps cookies, signs in through the
// real login form (CSRF token included) with an account made through the admin
// API, and reads the CSRF token of any page.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Role } from '../../src/accounts/roles.ts'
import { adminHeaders } from './app.ts'

export const TEST_PASSWORD = 'correct horse battery staple'

let sessions = 0
let accounts = 0

export interface TestAccount {
  id: number
  email: string
  name: string
  role: Role
  password: string
}

export interface AccountOptions {
  name?: string
  role?: Role
  email?: string
  password?: string
}

/** An account made the way automation makes one: POST /admin/api/users with the header secret. */
export async function createAccount(app: FastifyInstance, options: AccountOptions = {}): Promise<TestAccount> {
  const name = options.name ?? 'Test'
  const role = options.role ?? 'owner'
  const slug =
    name
      .toLowerCase()
      .normalize('NFD')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '')
      .slice(0, 20) || 'user'
  const email = options.email ?? `${slug}.${process.pid}.${++accounts}@test.example`
  const password = options.password ?? TEST_PASSWORD
  const res = await app.inject({ method: 'POST', url: '/admin/api/users', headers: adminHeaders, payload: { email, name, role, password } })
  if (res.statusCode !== 201) throw new Error(`account ${email}: ${res.statusCode} ${res.body}`)
  return { id: res.json<{ id: number }>().id, email: email.toLowerCase(), name, role, password }
}

export class ConsoleSession {
  readonly cookies = new Map<string, string>()
  /** Each session comes from its own address, so that the login throttle of one test does not touch another. */
  readonly remoteAddress: string
  /** The account of the last login(). */
  account: TestAccount | undefined

  constructor(private readonly app: FastifyInstance) {
    sessions++
    this.remoteAddress = `10.${(process.pid >> 8) & 255}.${(sessions >> 8) & 255}.${sessions & 255}`
  }

  cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ')
  }

  async request(options: InjectOptions & { url: string }): Promise<LightMyRequestResponse> {
    const headers = { accept: 'text/html', ...(options.headers ?? {}), cookie: this.cookieHeader() }
    const res = await this.app.inject({ remoteAddress: this.remoteAddress, ...options, headers })
    for (const c of res.cookies as { name: string; value: string; maxAge?: number; expires?: Date }[]) {
      const expired = c.value === '' || c.maxAge === 0 || (c.expires !== undefined && c.expires.getTime() <= Date.now())
      if (expired) this.cookies.delete(c.name)
      else this.cookies.set(c.name, c.value)
    }
    return res
  }

  get(url: string) {
    return this.request({ method: 'GET', url })
  }

  /** Posts a form (urlencoded), as a browser does. */
  post(url: string, form: Record<string, string>) {
    return this.request({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(form).toString(),
    })
  }

  /** The CSRF token of a page's forms. */
  static csrfOf(html: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(html)
    if (!m) throw new Error('no CSRF token in the page')
    return m[1]!
  }

  /** GET the page, then post one of its forms with the page's token. */
  async submit(pageUrl: string, action: string, form: Record<string, string>) {
    const page = await this.get(pageUrl)
    return this.post(action, { _csrf: ConsoleSession.csrfOf(page.body), ...form })
  }

  /** The session's CSRF token (from a console page). */
  async csrfToken(): Promise<string> {
    return ConsoleSession.csrfOf((await this.get('/admin/monitoring')).body)
  }

  /** Makes an account (owner unless told; a name alone may be given) and signs in with it through the form. */
  async login(options: AccountOptions | string = {}): Promise<LightMyRequestResponse> {
    this.account = await createAccount(this.app, typeof options === 'string' ? { name: options } : options)
    const res = await this.signIn(this.account.email, this.account.password)
    if (res.statusCode !== 303) throw new Error(`login of ${this.account.email}: ${res.statusCode}`)
    return res
  }

  /** Posts the login form as a person types it. */
  async signIn(email: string, password: string, next = '/admin/monitoring'): Promise<LightMyRequestResponse> {
    let page = await this.get('/login')
    if (page.statusCode === 302) {
      // Signed in already: /login sends the browser on; sign in afresh, as another tab would after a logout.
      this.cookies.delete('cf_session')
      page = await this.get('/login')
    }
    return this.post('/login', { _csrf: ConsoleSession.csrfOf(page.body), email, password, next })
  }
}
