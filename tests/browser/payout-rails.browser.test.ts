// The payout rails in a real headless Chromium (Debian's /usr/bin/chromium through
// playwright-core; nothing downloaded), against the real server, on both
// databases: an ops account gives a partner's IBAN on the partner page (a wrong
// key refused in French, then shown masked), exports the approved payout from
// « Payouts à valider » with « Exporter SEPA (pain.001) », downloads the file,
// marks the batch paid and sees it « payé » and the partner's « Disponible »
// drop; the payouts page fits a phone's width. Screenshots go to
// test-artifacts/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'

import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, signIn, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Olivia'
const DEBTOR = { SEPA_DEBTOR_NAME: 'ContentFlow SAS', SEPA_DEBTOR_IBAN: 'FR1420041010050500013M02606', SEPA_DEBTOR_BIC: 'PSSTFRPPPAR' }
const DAY = 24 * 60 * 60 * 1000

const haveChromium = chromiumFor('the browser tests of the payout rails are')

const plain = (s: string | null) =>
  (s ?? '')
    .replace(/[\u00a0\u202f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim()

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`payout rails in Chromium [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    let partnerId = 0
    const consoleErrors: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `payout-rails-${provider}-${name}.png`), fullPage: true })
    }
    const flash = async () => plain(await page.locator('.flash').first().textContent())
    const api = async (url: string, body: object) => {
      const res = await fetch(`${base}/admin/api${url}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-admin-secret': TEST_ADMIN_SECRET },
        body: JSON.stringify(body),
      })
      expect(res.status, await res.clone().text()).toBeLessThan(300)
      return (await res.json()) as Record<string, unknown>
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      app = await buildApp(testConfig(t, DEBTOR), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', acceptDownloads: true })
      page = await context.newPage()
      watchPageErrors(page, consoleErrors)
      await api('/users', { email: 'olivia@ops.example', name: 'Olivia', role: 'ops', password: PASSWORD })
      partnerId = (await api('/partners', { name: 'Inès Martin' })).id as number
      await t.db.walletEntry.create({
        data: {
          partnerId,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 50_000,
          txnId: 'seed',
          createdAt: new Date(Date.now() - 40 * DAY),
        },
      })
      const payout = await api('/payouts', { partnerId, amountCents: 12_345 })
      await api(`/payouts/${payout.id as number}/approve`, {})
    }, 180_000)

    afterAll(async () => {
      expect(consoleErrors).toEqual([])
      await browser?.close()
      await app?.close()
      await t?.drop()
    })

    it('gives the IBAN on the partner page: a wrong key refused in French, then shown masked', async () => {
      await signIn(page, base, 'olivia@ops.example', PASSWORD)
      await page.goto(`${base}/admin/partners/${partnerId}`)
      const form = page.locator('#set-payout-sepa')
      await form.locator('input[name=iban]').fill('FR76 3000 6000 0112 3456 7890 188')
      await form.locator('input[name=bic]').fill('BNPAFRPP')
      await form.locator('input[name=holder]').fill('Inès Martin')
      await form.locator('button[type=submit]').click()
      expect(await flash()).toBe('IBAN invalide : clé de contrôle incorrecte')

      await form.locator('input[name=iban]').fill('FR76 3000 6000 0112 3456 7890 189')
      await form.locator('input[name=bic]').fill('BNPAFRPP')
      await form.locator('input[name=holder]').fill('Inès Martin')
      await form.locator('button[type=submit]').click()
      expect(await flash()).toBe('Coordonnées de paiement enregistrées : SEPA FR76 •••• •••• •••• •••• ••90 189 (BNPAFRPP).')
      expect(plain(await page.locator('#payout-details').textContent())).toContain('FR76 •••• •••• •••• •••• ••90 189')
      expect(plain(await page.locator('#payout-details-change').textContent())).toContain('par olivia@ops.example : aucune → SEPA FR76')
      expect(await page.content()).not.toContain('FR7630006000011234567890189')
      await screenshot('01-partner')
    })

    it('exports the SEPA file, downloads it, marks the batch paid and sees « Disponible » drop', async () => {
      await page.goto(`${base}/ops/payouts/pending`)
      await page.getByRole('button', { name: 'Exporter SEPA (pain.001)' }).click()
      expect(await flash()).toMatch(/^Lot CF-SEPA-\d{8}-\d{6} exporté \(SEPA \(pain\.001\)\) : 1 payout\(s\), € 123,45\./)
      const row = page.locator('#batches tbody tr').first()
      expect(plain(await row.textContent())).toContain('0 / 1 payé(s)')
      await screenshot('02-exported')

      const [download] = await Promise.all([page.waitForEvent('download'), row.getByText('Télécharger le fichier').click()])
      expect(download.suggestedFilename()).toMatch(/^CF-SEPA-\d{8}-\d{6}\.xml$/)
      const xml = readFileSync(await download.path(), 'utf8')
      expect(xml).toContain('<NbOfTxs>1</NbOfTxs>')
      expect(xml).toContain('<CtrlSum>123.45</CtrlSum>')
      expect(xml).toContain('<IBAN>FR7630006000011234567890189</IBAN>')

      await row.locator('input[name=reference]').fill('VIR-20261207')
      await row.getByRole('button', { name: 'Marquer le lot payé' }).click()
      expect(await flash()).toMatch(/^Lot #\d+ : 1 payout\(s\) payé\(s\)\.$/)
      expect(plain(await page.locator('#batches tbody tr').first().textContent())).toContain('payé')
      await expect(page.locator('#batches').getByRole('button', { name: 'Marquer le lot payé' }).count()).resolves.toBe(0)
      await screenshot('03-paid')

      await page.goto(`${base}/admin/partners/${partnerId}`)
      expect(plain(await page.locator('[data-figure="partner_available"]').textContent())).toBe('€ 376,55')
    })

    it('fits the payouts page with its batches on a phone', async () => {
      await page.setViewportSize({ width: 390, height: 844 })
      await page.goto(`${base}/ops/payouts/pending`)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      expect(width).toBeLessThanOrEqual(390)
      await screenshot('04-phone')
    })
  })
}
