// A browser-like session over app.inject(): keeps cookies, logs in through the
// real form (CSRF token included), and reads the CSRF token of any page.
import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import { TEST_ADMIN_SECRET } from './app.ts'

let sessions = 0

export class ConsoleSession {
  readonly cookies = new Map<string, string>()
  /** Each session comes from its own address, so that the login rate limit of one test does not hit another. */
  readonly remoteAddress: string

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
    return this.request({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: new URLSearchParams(form).toString() })
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

  async login(name = 'Test', secret = TEST_ADMIN_SECRET): Promise<LightMyRequestResponse> {
    const page = await this.get('/login')
    return this.post('/login', { _csrf: ConsoleSession.csrfOf(page.body), secret, name, next: '/admin/monitoring' })
  }
}
