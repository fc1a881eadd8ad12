// The browser tests' Chromium: Debian's /usr/bin/chromium driven by playwright-core
// (never a downloaded browser), its flags, where screenshots go, and the rule
// that a missing Chromium skips loudly, or fails under CI=true.
import { existsSync } from 'node:fs'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import path from 'node:path'
import { projectRoot } from '../../src/db/schema-source.ts'

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium'
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]
export const SHOTS = path.join(projectRoot, 'test-artifacts', 'screenshots')

/** True when Chromium is here; otherwise says which tests are skipped, or throws under CI=true. */
export function chromiumFor(what: string): boolean {
  if (existsSync(CHROMIUM)) return true
  if (process.env.CI === 'true') throw new Error(`CI=true and no Chromium at ${CHROMIUM}: the browser tests must run in CI`)
  console.warn(`\n*** No Chromium at ${CHROMIUM}: ${what} SKIPPED (apt-get install chromium). ***\n`)
  return false
}

/** Starts the app on a random local port; the base URL the browser opens. */
export async function listenLocally(app: FastifyInstance): Promise<string> {
  await app.listen({ host: '127.0.0.1', port: 0 })
  const address = app.server.address()
  if (!address || typeof address === 'string') throw new Error('no port')
  return `http://127.0.0.1:${address.port}`
}

/** Collects the page's script errors and CSP violations (HTTP error statuses are expected: 401, 404…). */
export function watchPageErrors(page: Page, errors: string[]): void {
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !msg.text().startsWith('Failed to load resource')) errors.push(msg.text())
  })
  page.on('pageerror', (err) => errors.push(err.message))
}

/** Signs in through the console's login form, as a person types it. */
export async function signIn(page: Page, base: string, email: string, password: string): Promise<void> {
  await page.goto(`${base}/login`)
  await page.fill('input[name=email]', email)
  await page.fill('input[name=password]', password)
  await page.click('button[type=submit]')
}
