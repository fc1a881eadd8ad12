// /admin/reports in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; nothing downloaded), against the real server over a demo data
// set, on both databases: a viewer opens Rapports, chooses "30 jours", groups by
// partner, sorts by revenue both ways, and downloads the CSV; the table, its
// totals and the file all say what the JSON API says.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { generateDemoData } from '../../src/demo/demo-data.ts'
import { projectRoot } from '../../src/db/schema-source.ts'
import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { createAccount } from '../helpers/console-session.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, signIn, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Romane'

const haveChromium = chromiumFor('the browser tests of the reports page are')

const plain = (s: string | null) =>
  (s ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
const cents = (s: string | null) => Math.round(Number(plain(s).replace(/[€\s]/g, '').replace('−', '-').replace(',', '.')) * 100)

interface ApiRow {
  key: string
  label: string
  clicks: number
  revenueCents: number
}

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`reports page in Chromium [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    const consoleErrors: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `reports-${provider}-${name}.png`), fullPage: true })
    }
    const revenues = async () =>
      await page.locator('#report tbody td[data-revenue]').evaluateAll((tds) => tds.map((td) => Number(td.getAttribute('data-revenue'))))
    const api = async (query: string) => {
      const res = await fetch(`${base}/admin/api/reports?${query}`, { headers: { 'x-admin-secret': TEST_ADMIN_SECRET } })
      expect(res.status).toBe(200)
      return (await res.json()) as { rows: ApiRow[]; totals: { clicks: number; revenueCents: number } }
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      await generateDemoData(t.database, { seed: 11, days: 40 })
      app = await buildApp(testConfig(t), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', acceptDownloads: true })
      page = await context.newPage()
      watchPageErrors(page, consoleErrors)
      await createAccount(app, { email: 'romane@ops.example', name: 'Romane', role: 'viewer', password: PASSWORD })
    }, 180_000)

    afterAll(async () => {
      expect(consoleErrors).toEqual([])
      await browser?.close()
      await app?.close()
      await t?.drop()
    })

    it('chooses 30 jours, groups by partner, sorts by revenue and downloads the CSV of what it shows', async () => {
      await signIn(page, base, 'romane@ops.example', PASSWORD)
      await page.locator('nav.nav a', { hasText: 'Rapports' }).click()
      expect(new URL(page.url()).pathname).toBe('/admin/reports')

      await page.locator('.report-shortcuts a', { hasText: '30 jours' }).click()
      await page.selectOption('#report-form select[name=groupBy]', 'partner')
      await page.click('#report-form button[type=submit]')
      const url = new URL(page.url())
      const from = url.searchParams.get('from')!
      const to = url.searchParams.get('to')!
      expect(url.searchParams.get('groupBy')).toBe('partner')
      expect(Math.round((Date.parse(to) - Date.parse(from)) / 86_400_000) + 1).toBe(30)
      expect(to).toBe(new Date().toISOString().slice(0, 10))
      expect(plain(await page.locator('.page-head .meta').textContent())).toMatch(/\(30 jours, UTC\) · regroupé par partenaire$/)

      const expected = await api(`groupBy=partner&from=${from}&to=${to}`)
      expect(expected.rows.length).toBeGreaterThan(2)
      const labels = (await page.locator('#report tbody tr td:first-child').allTextContents()).map(plain)
      expect(new Set(labels)).toEqual(new Set(expected.rows.map((r) => r.label)))
      // The totals row is the API's totals.
      const total = page.locator('#report tfoot tr')
      expect(cents(await total.locator('td:nth-child(9)').textContent())).toBe(expected.totals.revenueCents)
      expect(Number(plain(await total.locator('td:nth-child(2)').textContent()).replace(/\s/g, ''))).toBe(expected.totals.clicks)
      await screenshot('01-partners')

      // By partner the biggest revenue comes first; "Revenus" turns it around, and back.
      const down = await revenues()
      expect(down).toEqual([...down].sort((a, b) => b - a))
      await page.locator('#report thead a[data-sort=revenue]').click()
      expect(new URL(page.url()).searchParams.get('dir')).toBe('asc')
      const up = await revenues()
      expect(up).toEqual([...down].reverse().sort((a, b) => a - b))
      expect(up[0]).toBeLessThan(up[up.length - 1]!)
      await page.locator('#report thead a[data-sort=revenue]').click()
      expect(await revenues()).toEqual(down)
      const shownLabels = (await page.locator('#report tbody tr td:first-child').allTextContents()).map(plain)
      const shownRevenue = await page.locator('#report tbody td[data-revenue]').allTextContents()
      expect(shownRevenue.map(cents)).toEqual(down)
      await screenshot('02-by-revenue')

      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-report').click()])
      expect(download.suggestedFilename()).toBe(`report-partner-${from}-${to}.csv`)
      const file = path.join(projectRoot, 'test-artifacts', `reports-${provider}.csv`)
      await download.saveAs(file)
      const lines = readFileSync(file, 'utf8')
        .replace(/^\ufeff/, '')
        .trimEnd()
        .split('\r\n')
      expect(lines[0]!.startsWith('group_by,key,label,clicks,')).toBe(true)
      // The file has the page's rows in the page's order, then the total.
      const cells = lines.slice(1).map((l) => l.split(','))
      expect(cells.map((c) => c[2])).toEqual([...shownLabels, 'Total'])
      expect(cells.map((c) => Number(c[10]))).toEqual([...down, expected.totals.revenueCents])
    })

    it('says so when a period has no data, and refuses a period backwards in French', async () => {
      await page.goto(`${base}/admin/reports?groupBy=day&from=2001-01-01&to=2001-01-31`)
      expect(plain(await page.locator('.card.empty').textContent())).toBe('Aucune donnée sur cette période')
      await page.fill('#report-form input[name=from]', '2001-02-10')
      await page.fill('#report-form input[name=to]', '2001-02-01')
      await page.click('#report-form button[type=submit]')
      expect(plain(await page.locator('.flash--error').textContent())).toBe('la date de début est après la date de fin')
      // What was typed stays in the form.
      await expect(page.locator('#report-form input[name=from]').inputValue()).resolves.toBe('2001-02-10')
    })
  })
}
