// Onboarding through the pages alone, in a real headless Chromium (Debian's
// /usr/bin/chromium via playwright-core; never downloaded), on both databases:
// an ops person signs in, creates a network from the TUNE preset, an offer, a
// partner and a posted link; reads the tracked link from the page (its copy
// button works under the CSP) and follows it (302 to the offer URL with the
// sub-id); reads the postback URL from the network's page, fills its macros with
// the sub-id received and a txn id, fires it (a plain HTTP GET) → OK; and sees
// the conversion on the partner's page. Screenshots go to test-artifacts/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { projectRoot } from '../../src/db/schema-source.ts'
import { freshDatabase, providers, type TestDatabase } from '../helpers/databases.ts'
import { testConfig } from '../helpers/app.ts'
import { createAccount } from '../helpers/console-session.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, signIn, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Sacha'

const haveChromium = chromiumFor('the onboarding browser test is')

/** Text as the page shows it, with no-break spaces made plain. */
const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim()

for (const provider of providers) {
  const skip = !haveChromium || (provider === 'postgresql' && !inject('postgresAvailable'))
  describe.skipIf(skip)(`onboarding through the pages in Chromium [${provider}]`, () => {
    let t: TestDatabase & { drop(): Promise<void> }
    let app: FastifyInstance
    let browser: Browser
    let page: Page
    let base = ''
    let shot = 0
    const consoleErrors: string[] = []

    const screenshot = async (name: string) => {
      await page.screenshot({
        path: path.join(SHOTS, `onboarding-${provider}-${String(++shot).padStart(2, '0')}-${name}.png`),
        fullPage: true,
      })
    }
    const flash = async () => plain(await page.locator('.flash').first().textContent())

    beforeAll(async () => {
      mkdirSync(SHOTS, { recursive: true })
      t = await freshDatabase(provider)
      // HOST a wildcard: the links and the postback URL take the origin the browser used (PUBLIC_BASE_URL unset).
      app = await buildApp(testConfig(t, { HOST: '0.0.0.0' }), { database: t.database, logger: false })
      base = await listenLocally(app)
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
      const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR' })
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

    let postbackUrl = ''
    let trackedLink = ''
    let partnerId = 0

    it('signs in as ops and creates a network from the TUNE preset: the postback URL is on its page', async () => {
      await createAccount(app, { email: 'sacha@ops.example', name: 'Sacha', role: 'ops', password: PASSWORD })
      await signIn(page, base, 'sacha@ops.example', PASSWORD)
      expect(new URL(page.url()).pathname).toBe('/admin/monitoring')

      await page.locator('nav a', { hasText: 'Réseaux' }).click()
      expect(new URL(page.url()).pathname).toBe('/admin/networks')
      await expect(page.locator('tr[data-preset="tune"]').textContent()).resolves.toContain('aff_sub')
      await screenshot('networks')
      await page.selectOption('#create-network select[name=preset]', { label: 'TUNE / HasOffers' })
      await page.fill('#create-network input[name=slug]', 'tune-fr')
      await page.fill('#create-network input[name=name]', 'TUNE France')
      await page.click('#create-network button[type=submit]')
      expect(await flash()).toBe('Réseau « TUNE France » créé (tune-fr).')
      postbackUrl = await page.inputValue('#postback-url')
      const token = plain(await page.locator('#postback-token').textContent())
      expect(postbackUrl).toBe(
        `${base}/aff/postback?subid={aff_sub}&amount={payout}&status=approved&txn_id={transaction_id}&network=tune-fr&token=${token}`,
      )
      await screenshot('network-created')
      // Read again later by ops: the same URL, ready to paste.
      await page.goto(`${base}/admin/networks/tune-fr`)
      expect(await page.inputValue('#postback-url')).toBe(postbackUrl)
    })

    it('creates an offer, a partner and a posted link through the pages; the link is ready to copy', async () => {
      await page.goto(`${base}/admin/offers`)
      await page.selectOption('#create-offer select[name=network]', { label: 'TUNE France (tune-fr)' })
      await page.fill('#create-offer input[name=name]', 'Box fibre')
      await page.fill('#create-offer input[name=url]', 'https://annonceur.example/box?affid=CF42')
      await page.click('#create-offer button[type=submit]')
      expect(await flash()).toMatch(/^Offre « Box fibre » créée \(#\d+, réseau tune-fr\)\.$/)
      await screenshot('offers')

      await page.goto(`${base}/admin/partners`)
      await page.fill('#create-partner input[name=name]', 'Camille Blog')
      await page.fill('#create-partner input[name=email]', 'camille@blog.example')
      await page.click('#create-partner button[type=submit]')
      partnerId = Number(/\/admin\/partners\/(\d+)$/.exec(page.url())![1])
      expect(await flash()).toBe(`Partenaire « Camille Blog » créé (#${partnerId}).`)
      expect(plain(await page.locator('.card.empty', { hasText: 'Aucun lien' }).textContent())).toContain('Aucun lien.')

      await page.goto(`${base}/admin/assignments`)
      await page.selectOption('#create-link select[name=partnerId]', { label: `Camille Blog (#${partnerId})` })
      await page.selectOption('#create-link select[name=offerId]', { label: 'Box fibre — tune-fr' })
      await page.fill('#create-link input[name=content]', 'Vidéo « La box fibre en 5 minutes »')
      await page.selectOption('#create-link select[name=status]', 'posted')
      await page.click('#create-link button[type=submit]')
      const message = await flash()
      expect(message).toMatch(/^Lien #\d+ créé \(publié\) : http:\/\/127\.0\.0\.1:\d+\/r\/\w+$/)
      const linkId = /^Lien #(\d+)/.exec(message)![1]
      trackedLink = await page.inputValue(`#link-${linkId}`)
      expect(message.endsWith(trackedLink)).toBe(true)
      // The copy button: shown by /assets/copy.js (allowed by the CSP), it copies the link.
      const copy = page.locator(`button[data-copy="link-${linkId}"]`)
      await expect(copy.isVisible()).resolves.toBe(true)
      await copy.click()
      expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(trackedLink)
      await expect(copy.textContent()).resolves.toBe('Copié')
      await screenshot('links')
    })

    it('follows the tracked link, fires the postback with the sub-id received, and sees the conversion on the partner page', async () => {
      const click = await fetch(trackedLink, { redirect: 'manual', headers: { 'user-agent': 'Mozilla/5.0 (visitor)' } })
      expect(click.status).toBe(302)
      const target = new URL(click.headers.get('location')!)
      expect(`${target.origin}${target.pathname}`).toBe('https://annonceur.example/box')
      expect(target.searchParams.get('affid')).toBe('CF42')
      const subid = target.searchParams.get('aff_sub')!
      expect(subid).toMatch(new RegExp(`^${partnerId}:\\d+:[A-Za-z0-9]{22}$`))

      const filled = postbackUrl
        .replace('{aff_sub}', encodeURIComponent(subid))
        .replace('{payout}', '12.50')
        .replace('{transaction_id}', 'TUNE-E2E-1')
      const answer = await fetch(filled)
      expect(answer.status).toBe(200)
      expect((await answer.text()).trim()).toBe('OK')

      await page.goto(`${base}/admin/partners/${partnerId}`)
      const row = page.locator('tr', { hasText: 'TUNE-E2E-1' })
      const cells = (await row.locator('td').allTextContents()).map(plain)
      expect(cells).toContain('tune-fr')
      expect(cells).toContain('€ 12,50')
      expect(cells.some((c) => /confirm/i.test(c))).toBe(true)
      const linkRow = page.locator('tr[data-link]')
      expect(plain(await linkRow.locator('.link-content').textContent())).toBe('Vidéo « La box fibre en 5 minutes »')
      await expect(linkRow.locator('input.copy-field').inputValue()).resolves.toBe(trackedLink)
      expect(plain(await linkRow.locator('[data-clicks]').textContent())).toBe('1')
      await screenshot('partner-with-conversion')
    })

    it("finds the click and the conversion in today's report by partner and in its CSV", async () => {
      await page.goto(`${base}/admin/reports`)
      await page.locator('.report-shortcuts a', { hasText: "Aujourd'hui" }).click()
      await page.selectOption('#report-form select[name=groupBy]', 'partner')
      await page.click('#report-form button[type=submit]')
      const row = page.locator(`#report tbody tr[data-key="${partnerId}"]`)
      const cells = (await row.locator('td').allTextContents()).map(plain)
      expect(cells[0]).toBe('Camille Blog')
      expect(cells[1]).toBe('1') // clicks
      expect(Number(await row.locator('td[data-revenue]').getAttribute('data-revenue'))).toBe(1250)
      await screenshot('report-today')
      const [download] = await Promise.all([page.waitForEvent('download'), page.locator('#export-report').click()])
      const file = path.join(projectRoot, 'test-artifacts', `onboarding-report-${provider}.csv`)
      await download.saveAs(file)
      const lines = readFileSync(file, 'utf8')
        .replace(/^\ufeff/, '')
        .trimEnd()
        .split('\r\n')
      const header = lines[0]!.split(',')
      const line = lines
        .slice(1)
        .map((l) => l.split(','))
        .find((c) => c[header.indexOf('label')] === 'Camille Blog')!
      expect(line[header.indexOf('clicks')]).toBe('1')
      expect(line[header.indexOf('conversions_confirmed')]).toBe('1')
      expect(line[header.indexOf('revenue_cents')]).toBe('1250')
    })
  })
}
