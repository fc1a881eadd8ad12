// Every console page on a phone (390 × 844, an iPhone's width), in a real
// headless Chromium over the demo data, on both databases: the login page, every
// entry of the navigation (read from the page, so new pages are covered as they
// land), the first detail page each list links to (a partner, a conversion, a
// postback line, a network, a user…), the logout and error pages. None may be
// wider than the screen: wide tables scroll inside their card, charts shrink,
// the navigation wraps. A screenshot of each page goes to
// test-artifacts/screenshots/narrow-*.png.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { navFor } from '../../src/console/nav.ts'
import { generateDemoData } from '../../src/demo/demo-data.ts'

import { describeEachDatabase } from '../helpers/databases.ts'
import { testConfig } from '../helpers/app.ts'
import { createAccount } from '../helpers/console-session.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally } from '../helpers/chromium.ts'

const WIDTH = 390
const PASSWORD = 'a long pass phrase for the phone'

const haveChromium = chromiumFor('the narrow-screen browser tests are')

interface Overflow {
  url: string
  scrollWidth: number
  /** The elements that reach past the screen's right edge, outermost first (for the failure message). */
  culprits: string[]
}

/** How wide the page is, and what sticks out when it is wider than the screen. */
async function measure(page: Page): Promise<Omit<Overflow, 'url'>> {
  return page.evaluate((width) => {
    const scrollWidth = document.documentElement.scrollWidth
    const culprits: string[] = []
    if (scrollWidth > width) {
      for (const el of Array.from(document.body.querySelectorAll('*'))) {
        const box = el.getBoundingClientRect()
        // Inside a scrolling box (.table-wrap) an element may be wider: only what the page itself must scroll counts.
        let scroller: Element | null = el.parentElement
        while (scroller && scroller !== document.body && getComputedStyle(scroller).overflowX === 'visible')
          scroller = scroller.parentElement
        if (box.right > width + 0.5 && (!scroller || scroller === document.body)) {
          culprits.push(
            `${el.tagName.toLowerCase()}${el.id ? `#${el.id}` : ''}${el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : ''} (${Math.round(box.right)} px)`,
          )
          if (culprits.length === 6) break
        }
      }
    }
    return { scrollWidth, culprits }
  }, WIDTH)
}

const describeWithBrowser: typeof describeEachDatabase = haveChromium ? describeEachDatabase : (name) => describe.skip(name, () => {})

describeWithBrowser('the console at 390 px', (t, provider) => {
  let app: FastifyInstance
  let browser: Browser
  let page: Page
  let base = ''
  const consoleErrors: string[] = []

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    await generateDemoData(t().database, { seed: 42, days: 30 })
    app = await buildApp(testConfig(t()), { database: t().database, logger: false })
    base = await listenLocally(app)
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, locale: 'fr-FR', isMobile: true, hasTouch: true })
    page = await context.newPage()
    page.on('pageerror', (err) => consoleErrors.push(err.message))
  }, 180_000)

  afterAll(async () => {
    await browser?.close()
    await app?.close()
  })

  it('shows every page without horizontal scrolling', async () => {
    const overflows: Overflow[] = []
    const visited: string[] = []
    const check = async (url: string) => {
      const res = await page.goto(`${base}${url}`)
      visited.push(`${url} ${res?.status()}`)
      const name = url.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '') || 'root'
      await page.screenshot({ path: path.join(SHOTS, `narrow-${provider}-${name}.png`), fullPage: true })
      const m = await measure(page)
      if (m.scrollWidth > WIDTH) overflows.push({ url, ...m })
    }

    await check('/login')
    await createAccount(app, { email: 'phone@ops.example', name: 'Téléphone', role: 'owner', password: PASSWORD })
    await page.fill('input[name=email]', 'phone@ops.example')
    await page.fill('input[name=password]', PASSWORD)
    await page.click('button[type=submit]')
    expect(new URL(page.url()).pathname).toBe('/admin/monitoring')

    // The navigation as an owner sees it: every page of src/console/nav.ts.
    const navHrefs = await page.locator('nav.nav a').evaluateAll((links) => links.map((a) => a.getAttribute('href')!))
    expect(navHrefs).toEqual(navFor({ role: 'owner' }).map((item) => item.href))

    for (const href of navHrefs) {
      await check(href)
      // The first detail page this list links to (/admin/partners/12, /admin/networks/awin…).
      const detail = await page
        .locator(`main a[href^="${href}/"]`)
        .evaluateAll(
          (links, prefix) => links.map((a) => a.getAttribute('href')!).find((h) => /^[^/?#]+$/.test(h.slice(prefix.length + 1))),
          href,
        )
      if (detail) await check(detail)
    }
    await check('/logout')
    await check('/admin/no-such-page')

    // The detail pages the issue names were reached (those whose list exists already).
    for (const prefix of ['/admin/partners/', '/admin/users/'])
      expect(
        visited.some((v) => v.startsWith(prefix)),
        `${prefix}… visited: ${visited.join(', ')}`,
      ).toBe(true)
    expect(overflows, `wider than ${WIDTH} px:\n${JSON.stringify(overflows, null, 2)}`).toEqual([])
    expect(consoleErrors).toEqual([])
  }, 240_000)
})
