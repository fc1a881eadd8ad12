// The browser tests' Chromium: Debian's /usr/bin/chromium driven by playwright-core
// (never a downloaded browser), its flags, where screenshots go, and the rule
// that a missing Chromium skips loudly, or fails under CI=true.
import { existsSync } from 'node:fs'
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
