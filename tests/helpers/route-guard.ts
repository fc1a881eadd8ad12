// Walks every registered route and asks each, without credentials and with a
// wrong secret, as a browser and as a script: anything outside the public list
// must answer 401 or send the browser to /login. Then, signed in as a viewer
// (with the session's own CSRF token, so the token is not the reason), every
// state-changing route outside the public list must answer 403 and write
// nothing; owner-only routes refuse an ops account too. Shared by
// tests/security/route-guard.test.ts and its reliability-suite twin.
import type { FastifyInstance } from 'fastify'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { buildTestApp } from './app.ts'
import { describeEachDatabase } from './databases.ts'
import { ConsoleSession } from './console-session.ts'

/** Routes anyone may call, each for a reason. */
export const PUBLIC_ROUTES = new Set([
  '/healthz', // load balancer liveness
  '/readyz', // load balancer readiness
  '/', // sends the browser on to the console, which asks for the login itself
  '/assets/app.css', // the stylesheet of the login page
  '/assets/copy.js', // the console's copy buttons: no data, the same file for everyone
  '/r/:code', // the click redirector
  '/aff/postback', // networks' S2S postbacks (authenticated by the network's token)
  '/login', // the login form
  '/logout', // ends a session
  '/p/login', // the partner portal's sign-in form: asks for a link by email
  '/p/auth', // the portal's sign-in link (its single-use token is the credential)
])

export interface GuardReport {
  enumerated: number
  guardedOnly: number
  unguarded: string[]
}

export async function walkRouteGuard(app: FastifyInstance): Promise<GuardReport> {
  const routes = app.registeredRoutes.filter((r) => !PUBLIC_ROUTES.has(r.url.replace(/\/$/, '') || '/'))
  const unguarded: string[] = []
  for (const [i, route] of routes.entries()) {
    const url = concreteUrl(route.url)
    for (const headers of [{}, { accept: 'text/html' }, { 'x-admin-secret': 'wrong-secret-of-the-right-length-123' }]) {
      // Each route's wrong guesses from an address of its own: the guess limit (429) is tested apart.
      const remoteAddress = `192.0.2.${i % 250}`
      const res = await app.inject({
        method: route.method as 'GET',
        url,
        headers,
        remoteAddress,
        payload: route.method === 'GET' || route.method === 'HEAD' ? undefined : {},
      })
      // The partner portal sends a browser to its own sign-in page.
      const loginPage = route.url.startsWith('/p/') || route.url === '/p' ? '/p/login' : '/login'
      const toLogin = res.statusCode === 302 && String(res.headers.location).startsWith(loginPage)
      if (res.statusCode !== 401 && !toLogin) unguarded.push(`${route.method} ${route.url} → ${res.statusCode}`)
    }
  }
  return { enumerated: app.registeredRoutes.length, guardedOnly: routes.length, unguarded }
}

function concreteUrl(url: string): string {
  return url.replace(/:(\w+)/g, (_m, name: string) => (/id$/i.test(name) ? '1' : 'x'))
}

const READS = new Set(['GET', 'HEAD'])

export interface RoleReport {
  stateChanging: number
  /** State-changing routes a viewer was not refused (403) on, or that wrote. */
  viewerPassed: string[]
  ownerOnly: number
  /** Owner-only routes an ops account was not refused on. */
  opsPassed: string[]
}

/** Rows of every table a console route writes, as one string to compare. */
async function snapshot(app: FastifyInstance): Promise<string> {
  const db = app.database.prisma
  const models = [
    db.network,
    db.offer,
    db.partner,
    db.assignment,
    db.payout,
    db.partnerFlag,
    db.auditLog,
    db.walletEntry,
    db.walletEntryHistory,
    db.payoutBatch,
    db.payoutBatchItem,
    db.postbackLog,
    db.user,
  ] as unknown as { count(): Promise<number> }[]
  const counts = await Promise.all(models.map((m) => m.count()))
  const users = await db.user.findMany({ select: { role: true, disabledAt: true, passwordHash: true }, orderBy: { id: 'asc' } })
  const sessions = await db.adminSession.count({ where: { revokedAt: null } })
  // Rows a route changes in place (a status, an amount, a setting) without adding any.
  const changed = await Promise.all([
    db.walletEntry.findMany({ select: { status: true, amountCents: true, partnerId: true, flag: true }, orderBy: { id: 'asc' } }),
    db.partner.findMany({ orderBy: { id: 'asc' } }),
    db.network.findMany({ orderBy: { id: 'asc' } }),
    db.offer.findMany({ orderBy: { id: 'asc' } }),
    db.assignment.findMany({ orderBy: { id: 'asc' } }),
    db.payout.findMany({ orderBy: { id: 'asc' } }),
  ])
  return JSON.stringify([counts, users, sessions, changed])
}

/** Signed in as a viewer, then as ops: every route they may not use answers 403 and changes nothing. */
export async function walkRoleRefusals(app: FastifyInstance): Promise<RoleReport> {
  const guarded = app.registeredRoutes.filter((r) => !PUBLIC_ROUTES.has(r.url.replace(/\/$/, '') || '/'))
  const viewer = new ConsoleSession(app)
  await viewer.login({ role: 'viewer', name: 'Viewer' })
  const ops = new ConsoleSession(app)
  await ops.login({ role: 'ops', name: 'Ops' })
  const tokens = new Map([
    [viewer, await viewer.csrfToken()],
    [ops, await ops.csrfToken()],
  ])
  const probe = async (s: ConsoleSession, method: string, url: string) => {
    const isApi = url.startsWith('/admin/api')
    const form = {
      role: 'owner',
      disabled: 'true',
      password: 'a-new-password-0123',
      reason: 'probe',
      name: 'probe',
      email: 'probe@test.example',
      amount: '1',
      reference: 'R',
      partnerId: '1',
      session: '0'.repeat(64),
    }
    const before = await snapshot(app)
    const res = await s.request({
      method: method,
      url,
      headers: { 'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded', 'x-csrf-token': tokens.get(s)! },
      payload: READS.has(method) ? undefined : isApi ? JSON.stringify(form) : new URLSearchParams(form).toString(),
    })
    const wrote = (await snapshot(app)) !== before
    // The portal's routes know no console role: without a portal session they answer 401.
    const refused = res.statusCode === 403 || (url.startsWith('/p/') && res.statusCode === 401)
    return !refused || wrote ? `${method} ${url} → ${res.statusCode}${wrote ? ' (and it wrote)' : ''}` : null
  }
  const viewerPassed: string[] = []
  const stateChanging = guarded.filter((r) => !READS.has(r.method))
  for (const route of stateChanging) {
    const failed = await probe(viewer, route.method, concreteUrl(route.url))
    if (failed) viewerPassed.push(failed)
  }
  const ownerOnlyRoutes = guarded.filter((r) => r.ownerOnly)
  const opsPassed: string[] = []
  for (const route of ownerOnlyRoutes) {
    const failed = await probe(ops, route.method, concreteUrl(route.url))
    if (failed) opsPassed.push(failed)
  }
  return { stateChanging: stateChanging.length, viewerPassed, ownerOnly: ownerOnlyRoutes.length, opsPassed }
}

export function guardLine(r: GuardReport): string {
  return `routes enumerated: ${r.enumerated} (${r.guardedOnly} guarded-only), unguarded admin routes: ${r.unguarded.length}`
}

/**
 * The walk as a test block on both databases, printing its count line; `more`
 * adds tests on the same app.
 */
export function describeRouteGuardWalk(more?: (app: () => FastifyInstance) => void) {
  describeEachDatabase('admin guard on every route', (t, provider) => {
    let app: FastifyInstance
    beforeAll(async () => {
      app = await buildTestApp(t())
    })
    afterAll(async () => app.close())

    it('no route outside the public list answers without credentials', async () => {
      const report = await walkRouteGuard(app)
      expect(report.guardedOnly).toBeGreaterThan(0)
      console.log(`${guardLine(report)} [${provider}]`)
      expect(report.unguarded).toEqual([])
    })
    it('every state-changing route refuses a viewer (403), and owner-only routes refuse ops, writing nothing', async () => {
      const report = await walkRoleRefusals(app)
      expect(report.stateChanging).toBeGreaterThan(20)
      expect(report.ownerOnly).toBeGreaterThan(5)
      console.log(
        `state-changing routes refused to a viewer: ${report.stateChanging - report.viewerPassed.length}/${report.stateChanging}, owner-only routes refused to ops: ${report.ownerOnly - report.opsPassed.length}/${report.ownerOnly} [${provider}]`,
      )
      expect(report.viewerPassed).toEqual([])
      expect(report.opsPassed).toEqual([])
    })
    more?.(() => app)
  })
}
