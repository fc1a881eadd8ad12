// The postback log and the CSV import in a real headless Chromium (Debian's
// /usr/bin/chromium through playwright-core; nothing downloaded), against the
// real server, on both databases: a network's postback is refused for a status
// word it does not know; an ops account finds it in the log through the
// filters, replays it (refused again), the word is mapped, replays it (booked),
// then imports a CSV file through the page: preview, apply, and the same text
// pasted and applied again changes nothing. Screenshots go to test-artifacts/screenshots/.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'

import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, signIn, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Inès'
const BROWSER_UA = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36'

const haveChromium = chromiumFor('the browser tests of the postback pages are')

const plain = (s: string | null) =>
  (s ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`postback log and import pages in Chromium [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    let subid = ''
    const consoleErrors: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `postbacks-${provider}-${name}.png`), fullPage: true })
    }
    const flash = async () => plain(await page.locator('.flash').first().textContent())
    const api = async (method: string, url: string, body: unknown) => {
      const res = await fetch(`${base}/admin/api${url}`, {
        method,
        headers: { 'content-type': 'application/json', 'x-admin-secret': TEST_ADMIN_SECRET },
        body: JSON.stringify(body),
      })
      expect(res.status, await res.clone().text()).toBeLessThan(300)
      return (await res.json()) as Record<string, unknown>
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      app = await buildApp(testConfig(t), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
      page = await context.newPage()
      watchPageErrors(page, consoleErrors)
      await api('POST', '/users', { email: 'ines@ops.example', name: 'Inès', role: 'ops', password: PASSWORD })
      // A network, a link and a click, as an operator sets them up.
      const network = await api('POST', '/networks', { slug: 'brn', name: 'Browser Net', postbackToken: 'browser-net-token-0123456789' })
      const partner = await api('POST', '/partners', { name: 'Partenaire navigateur' })
      const offer = await api('POST', '/offers', { network: 'brn', name: 'Offre', url: 'https://adv.example/o' })
      const assignment = await api('POST', '/assignments', { partnerId: partner.id, offerId: offer.id, status: 'posted' })
      const click = await fetch(`${base}/r/${String(assignment.code)}`, { redirect: 'manual', headers: { 'user-agent': BROWSER_UA } })
      subid = new URL(click.headers.get('location')!).searchParams.get(String(network.subidParam))!
      // The network reports a status word nobody mapped yet.
      const q = new URLSearchParams({
        network: 'brn',
        token: 'browser-net-token-0123456789',
        subid,
        txn_id: 'BR-1',
        status: 'rebill',
        amount: '42,50',
      })
      const refused = await fetch(`${base}/aff/postback?${q}`)
      expect(refused.status).toBe(400)
    }, 180_000)

    afterAll(async () => {
      expect(consoleErrors).toEqual([])
      await browser?.close()
      await app?.close()
      await t?.drop()
    })

    it('finds the refused postback through the filters and replays it once its word is mapped', async () => {
      await signIn(page, base, 'ines@ops.example', PASSWORD)
      await page.locator('nav.nav a', { hasText: 'Postbacks' }).click()
      expect(new URL(page.url()).pathname).toBe('/admin/postbacks')
      await page.selectOption('select[name=outcome]', 'rejected')
      await page.selectOption('select[name=network]', 'brn')
      await page.click('form.filters button[type=submit]')
      const rows = page.locator('table.postback-log tbody tr')
      expect(await rows.count()).toBe(1)
      expect(plain(await rows.first().locator('td').nth(4).textContent())).toBe('refusé')
      expect(plain(await rows.first().locator('td').nth(7).textContent())).toBe('BR-1')
      await screenshot('01-log-filtered')

      await rows.first().locator('td').first().locator('a').click()
      expect(new URL(page.url()).pathname).toMatch(/^\/admin\/postbacks\/\d+$/)
      expect(await page.locator('[data-raw=query]').textContent()).toContain('status=rebill')
      expect(await page.locator('[data-raw=query]').textContent()).not.toContain('browser-net-token-0123456789')
      await page.click('button:has-text("Rejouer cette ligne")')
      expect(await flash()).toMatch(/rejouée : refusée — unknown status .*rebill/)
      expect(await t.db.walletEntry.count()).toBe(0)

      await api('PATCH', '/networks/brn', { statusWords: { rebill: 'confirmed' } })
      await page.click('button:has-text("Rejouer cette ligne")')
      const entry = await t.db.walletEntry.findFirstOrThrow({ where: { txnId: 'BR-1' } })
      expect(await flash()).toMatch(new RegExp(`rejouée : OK \\(conversion #${entry.id}\\)\\.$`))
      expect(plain(await page.locator('[data-outcome]').textContent())).toBe('accepté')
      expect([entry.status, entry.amountCents]).toEqual(['confirmed', 4250])
      // Nothing left to replay on this line.
      expect(await page.locator('button:has-text("Rejouer cette ligne")').count()).toBe(0)
      await screenshot('02-line-replayed')
    })

    it('imports a CSV file: preview, apply, and the same text again changes nothing', async () => {
      await page.goto(`${base}/admin/postbacks`)
      await page.click('a:has-text("Importer un CSV de conversions")')
      expect(new URL(page.url()).pathname).toBe('/admin/imports')
      const csv = `txn_id,status,amount,currency,subid\nBR-2,approved,"10,00",EUR,${subid}\nBR-3,approved,5,XYZ,${subid}\n`
      await page.selectOption('form.import-form select[name=network]', 'brn')
      await page.setInputFiles('form.import-form input[type=file]', {
        name: 'conversions.csv',
        mimeType: 'text/csv',
        buffer: Buffer.from(csv),
      })
      await page.click('form.import-form button:has-text("Aperçu")')
      const lines = page.locator('table.import-lines tbody tr')
      expect(await lines.count()).toBe(2)
      expect(plain(await lines.nth(0).textContent())).toBe('2 appliquée')
      expect(plain(await lines.nth(1).textContent())).toBe('3 refusée unknown currency XYZ (no rate in FX_RATES)')
      expect(await t.db.walletEntry.count({ where: { txnId: 'BR-2' } })).toBe(0)
      await screenshot('03-import-preview')

      await page.click('button:has-text("Appliquer cet import")')
      expect(await flash()).toMatch(/^Import appliqué \(brn\) : 1 ligne\(s\) appliquée\(s\), 0 doublon\(s\), 1 refusée\(s\)/)
      expect(await t.db.walletEntry.count({ where: { txnId: 'BR-2' } })).toBe(1)
      await screenshot('04-import-applied')

      // The same lines pasted this time: the preview says doublon, applying changes nothing.
      await page.fill('form.import-form textarea[name=csv]', csv)
      await page.click('form.import-form button:has-text("Aperçu")')
      expect(plain(await page.locator('table.import-lines tbody tr').nth(0).textContent())).toBe('2 doublon')
      await page.click('button:has-text("Appliquer cet import")')
      expect(await flash()).toMatch(/^Import appliqué \(brn\) : 0 ligne\(s\) appliquée\(s\), 1 doublon\(s\), 1 refusée\(s\)/)
      expect(await t.db.walletEntry.count()).toBe(2)
      // The imported lines are in the log.
      await page.goto(`${base}/admin/postbacks?network=brn`)
      expect(await page.locator('table.postback-log tbody tr td:nth-child(4)', { hasText: 'IMPORT' }).count()).toBe(4)
    })

    it('fits a phone: no page wider than 390 px (tables scroll inside their frame)', async () => {
      await page.setViewportSize({ width: 390, height: 844 })
      const id = (await t.db.postbackLog.findFirstOrThrow({ where: { method: 'GET' } })).id
      for (const url of ['/admin/postbacks', `/admin/postbacks/${id}`, '/admin/imports?network=brn']) {
        await page.goto(`${base}${url}`)
        expect(await page.evaluate(() => document.documentElement.scrollWidth), url).toBeLessThanOrEqual(390)
      }
      await screenshot('05-phone-line')
    })
  })
}
