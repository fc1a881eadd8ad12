// The conversion pages in a real headless Chromium (Debian's /usr/bin/chromium
// through playwright-core; nothing downloaded), against the real server over a
// demo data set, on both databases: an ops account signs in, filters the list,
// opens a conversion, corrects its status with a reason and sees the new status
// and the history line; then books an adjustment on a partner's page and sees
// "Disponible" move by its amount. Screenshots go to test-artifacts/screenshots/.
import { mkdirSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { generateDemoData } from '../../src/demo/demo-data.ts'
import { ledgerBalance, ledgerRulesOf } from '../../src/ledger/balances.ts'

import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig } from '../helpers/app.ts'
import { createAccount } from '../helpers/console-session.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, signIn, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Olivia'

const haveChromium = chromiumFor('the browser tests of the conversion pages are')

/** Text as the page shows it, with no-break spaces made plain. */
const plain = (s: string | null) =>
  (s ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()
const cents = (s: string | null) => Math.round(Number(plain(s).replace(/[€\s]/g, '').replace('−', '-').replace(',', '.')) * 100)

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`conversion pages in Chromium [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    const consoleErrors: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `conversions-${provider}-${name}.png`), fullPage: true })
    }
    const flash = async () => plain(await page.locator('.flash').first().textContent())

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      await generateDemoData(t.database, { seed: 7, days: 20 })
      app = await buildApp(testConfig(t), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
      page = await context.newPage()
      watchPageErrors(page, consoleErrors)
      await createAccount(app, { email: 'olivia@ops.example', name: 'Olivia', role: 'ops', password: PASSWORD })
    }, 180_000)

    afterAll(async () => {
      expect(consoleErrors).toEqual([])
      await browser?.close()
      await app?.close()
      await t?.drop()
    })

    it('signs in as ops, filters the list and opens a conversion', async () => {
      await signIn(page, base, 'olivia@ops.example', PASSWORD)
      expect(new URL(page.url()).pathname).toBe('/admin/monitoring')

      await page.locator('nav.nav a', { hasText: 'Conversions' }).click()
      expect(new URL(page.url()).pathname).toBe('/admin/conversions')
      expect(await page.locator('#conversions tbody tr').count()).toBe(50)
      await screenshot('01-list')

      await page.selectOption('#conversion-filters select[name=status]', 'pending')
      await page.selectOption('#conversion-filters select[name=network]', 'awin')
      await page.click('#conversion-filters button[type=submit]')
      const url = new URL(page.url())
      expect([url.searchParams.get('status'), url.searchParams.get('network')]).toEqual(['pending', 'awin'])
      const rows = page.locator('#conversions tbody tr')
      expect(await rows.count()).toBeGreaterThan(0)
      const statuses = await rows.locator('td:nth-child(6)').allTextContents()
      expect(new Set(statuses.map(plain))).toEqual(new Set(['en attente']))
      const networks = await rows.locator('td:nth-child(3)').allTextContents()
      expect(new Set(networks.map(plain))).toEqual(new Set(['awin']))
      // The filters stay in the form after the page reloads.
      await expect(page.locator('#conversion-filters select[name=status]').inputValue()).resolves.toBe('pending')
      await screenshot('02-filtered')

      const id = Number(await rows.first().getAttribute('data-conversion'))
      await rows.first().locator('td:first-child a').click()
      expect(new URL(page.url()).pathname).toBe(`/admin/conversions/${id}`)
      expect(plain(await page.locator('#conversion-status').textContent())).toBe('en attente')
      await screenshot('03-detail')
    })

    it('corrects the status with a reason and sees the new status and the history line', async () => {
      const stepsBefore = await page.locator('#history tbody tr').count()
      await page.selectOption('#correct-status select[name=status]', 'confirmed')
      await page.fill('#correct-status input[name=reason]', 'Confirmée par le réseau par e-mail')
      await page.click('#correct-status button[type=submit]')
      expect(await flash()).toMatch(/^Conversion #\d+ : statut passé de « en attente » à « confirmée »\.$/)
      expect(plain(await page.locator('#conversion-status').textContent())).toBe('confirmée')
      const steps = page.locator('#history tbody tr')
      await expect(steps.count()).resolves.toBe(stepsBefore + 1)
      const last = plain(await steps.last().textContent())
      for (const s of ['en attente → confirmée', 'console', 'olivia@ops.example', 'Confirmée par le réseau par e-mail'])
        expect(last).toContain(s)
      await screenshot('04-corrected')
    })

    it('refuses an empty reason (typed as spaces) with a French message', async () => {
      await page.selectOption('#correct-status select[name=status]', 'rejected')
      await page.fill('#correct-status input[name=reason]', '   ')
      await page.click('#correct-status button[type=submit]')
      expect(await flash()).toBe('motif obligatoire : indiquez pourquoi vous faites ce changement')
      expect(plain(await page.locator('#conversion-status').textContent())).toBe('confirmée')
    })

    it('books an adjustment on a partner page and sees "Disponible" move by its amount', async () => {
      const rules = ledgerRulesOf(app.config)
      let partnerId = 0
      for (const p of await t.db.partner.findMany({ orderBy: { id: 'asc' } })) {
        const b = await ledgerBalance(t.db, rules, { partnerId: p.id })
        if (b.owedCents === 0 && b.availableCents > 1_000) {
          partnerId = p.id
          break
        }
      }
      expect(partnerId).toBeGreaterThan(0)
      await page.goto(`${base}/admin/partners/${partnerId}`)
      const before = cents(await page.locator('[data-figure="partner_available"]').textContent())
      await page.selectOption('#book-adjustment select[name=direction]', 'credit')
      await page.fill('#book-adjustment input[name=amount]', '25,40')
      await page.fill('#book-adjustment input[name=reason]', 'Prime de lancement')
      await page.click('#book-adjustment button[type=submit]')
      expect(await flash()).toMatch(/^Ajustement #\d+ de \+€ 25,40 enregistré/)
      expect(cents(await page.locator('[data-figure="partner_available"]').textContent())).toBe(before + 2_540)
      await screenshot('05-partner-credit')

      await page.selectOption('#book-adjustment select[name=direction]', 'debit')
      await page.fill('#book-adjustment input[name=amount]', '10,00')
      await page.fill('#book-adjustment input[name=reason]', 'Frais de virement refacturés')
      await page.click('#book-adjustment button[type=submit]')
      expect(await flash()).toMatch(/^Ajustement #\d+ de −€ 10,00 enregistré/)
      expect(cents(await page.locator('[data-figure="partner_available"]').textContent())).toBe(before + 2_540 - 1_000)
      await screenshot('06-partner-debit')
    })
  })
}
