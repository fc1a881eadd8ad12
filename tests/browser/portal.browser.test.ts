// The partner portal in a real headless Chromium (Debian's /usr/bin/chromium via
// playwright-core; never downloaded), on both databases, at a phone's width
// (390 px) from start to end: sign in by a link made with
// POST /admin/api/partners/:id/portal-link, read the overview's figures (the
// ledger's), copy a tracked link, download a statement CSV, request a payout —
// and no page is wider than the screen.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { projectRoot } from '../../src/db/schema-source.ts'
import { formatCents } from '../../src/format/money.ts'
import { ledgerBalance, ledgerRulesOf } from '../../src/ledger/balances.ts'
import { dayStart } from '../../src/time.ts'
import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, listenLocally, SHOTS, watchPageErrors } from '../helpers/chromium.ts'

const WIDTH = 390
const DAY = 86_400_000
const haveChromium = chromiumFor('the browser tests of the partner portal are')

const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim()

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`partner portal in Chromium at 390 px [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    let partnerId = 0
    let shot = 0
    const month = new Date(Date.now() - 40 * DAY).toISOString().slice(0, 7)
    const consoleErrors: string[] = []
    const overflows: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({ path: path.join(SHOTS, `portal-${provider}-${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true })
    }
    const figure = async (name: string) => plain(await page.locator(`[data-figure="${name}"]`).first().textContent())
    /** The page must not scroll sideways on a phone (tables scroll inside .table-wrap). */
    const fits = async () => {
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      if (width > WIDTH) overflows.push(`${page.url()}: ${width} px`)
    }

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      const { db } = t
      partnerId = (await db.partner.create({ data: { name: 'Camille Blog', email: 'camille@example.com' } })).id
      await db.walletEntry.create({
        data: {
          partnerId,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 12_000,
          txnId: 'c1',
          createdAt: new Date(Date.now() - 40 * DAY),
        },
      })
      await db.walletEntry.create({
        data: {
          partnerId,
          type: 'conversion',
          status: 'confirmed',
          amountCents: 2_500,
          txnId: 'c2',
          createdAt: new Date(Date.now() - DAY),
        },
      })
      const network = await db.network.create({ data: { slug: 'affnet', name: 'AffNet', postbackToken: 't'.repeat(32) } })
      const offer = await db.offer.create({ data: { networkId: network.id, name: 'Casque audio', url: 'https://shop.example/casque' } })
      await db.assignment.create({ data: { partnerId, offerId: offer.id, code: 'camille0001', status: 'posted' } })
      await db.clickRollup.create({ data: { day: dayStart(new Date()), partnerId, kind: 'click', count: 42 } })
      // HOST a wildcard: links take the origin the browser used (PUBLIC_BASE_URL unset).
      app = await buildApp(testConfig(t, { HOST: '0.0.0.0' }), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: WIDTH, height: 844 }, locale: 'fr-FR', acceptDownloads: true })
      await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: base })
      page = await context.newPage()
      watchPageErrors(page, consoleErrors)
    }, 120_000)

    afterAll(async () => {
      expect(consoleErrors).toEqual([])
      await browser?.close()
      await app?.close()
      await t?.drop()
    })

    it('signs in by a link ops made, and sees the ledger’s figures on the overview', async () => {
      const res = await fetch(`${base}/admin/api/partners/${partnerId}/portal-link`, {
        method: 'POST',
        headers: { 'x-admin-secret': TEST_ADMIN_SECRET },
      })
      expect(res.status).toBe(201)
      const { url } = (await res.json()) as { url: string }
      expect(url.startsWith(`${base}/p/auth?token=`)).toBe(true)
      await page.goto(url)
      await fits()
      await page.getByRole('button', { name: 'Se connecter' }).click()
      await page.waitForURL(`${base}/p`)
      expect(plain(await page.locator('h1').textContent())).toBe('Bonjour Camille Blog')
      const balance = await ledgerBalance(t.db, ledgerRulesOf(app.config), { partnerId })
      expect(await figure('available')).toBe(plain(formatCents(balance.availableCents)))
      // € 145,00 confirmed, 30 % of the recent € 25,00 reserved.
      expect(await figure('available')).toBe('€ 137,50')
      expect(await figure('reserved')).toBe('€ 7,50')
      expect(await figure('clicks30d')).toBe('42')
      expect(await figure('earnings30d')).toBe('€ 25,00')
      expect(await page.locator('figure svg').count()).toBe(2)
      await fits()
      await screenshot('overview')
    })

    it('copies a tracked link with its button', async () => {
      await page.goto(`${base}/p/links`)
      await page.getByRole('button', { name: 'Copier' }).click()
      await expect.poll(() => page.evaluate(() => navigator.clipboard.readText())).toBe(`${base}/r/camille0001`)
      expect(await page.locator('text=s1').first().isVisible()).toBe(true)
      await fits()
      await screenshot('links')
    })

    it('downloads the statement of a month as CSV', async () => {
      await page.goto(`${base}/p/statements`)
      await fits()
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`a[href="/p/statements/${month}.csv"]`).click()])
      const file = path.join(projectRoot, 'test-artifacts', `portal-statement-${provider}.csv`)
      await download.saveAs(file)
      const lines = readFileSync(file, 'utf8')
        .replace(/^\ufeff/, '')
        .trimEnd()
        .split('\r\n')
      expect(lines[0]).toBe('month,line,entries,amount_cents,amount_eur')
      expect(lines).toContain(`${month},conversions_confirmed,1,12000,120.00`)
      expect(lines.at(-1)).toBe(`${month},closing_balance,,12000,120.00`)
      await page.goto(`${base}/p/statements/${month}`)
      await fits()
      await screenshot('statement')
    })

    it('requests a payout: under the minimum refused, then € 60,00 recorded and listed', async () => {
      await page.goto(`${base}/p/payouts`)
      await page.fill('input[name=amount]', '20')
      await page.getByRole('button', { name: 'Demander un paiement' }).click()
      expect(plain(await page.locator('.flash').first().textContent())).toBe('montant € 20,00 inférieur au minimum de € 50,00')
      await page.fill('input[name=amount]', '60')
      await page.getByRole('button', { name: 'Demander un paiement' }).click()
      expect(plain(await page.locator('.flash').first().textContent())).toMatch(/^Demande de paiement #\d+ enregistrée\.$/)
      const row = page.locator('tr[data-payout]').first()
      expect(plain(await row.textContent())).toContain('€ 60,00')
      expect(plain(await row.textContent())).toContain('demandé')
      await fits()
      await screenshot('payouts')
      for (const p of ['/p/conversions', '/p/details']) {
        await page.goto(`${base}${p}`)
        await fits()
      }
      expect(overflows).toEqual([])
    })
  })
}
