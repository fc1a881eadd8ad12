// The ops console in a real headless Chromium (Debian's /usr/bin/chromium driven
// by playwright-core; no browser is ever downloaded), against the real server
// listening on a random port over a demo data set: log in, read the monitoring
// figures (they must be summary()'s), follow the three links, run a payout
// requested → approved → paid and see "Disponible" drop by its amount, see a
// hold block a payout then lift it, export the CSV. A screenshot of each page
// goes to test-artifacts/screenshots/.
import { mkdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { chromium, type Browser, type Page } from 'playwright-core'
import { buildApp } from '../../src/app.ts'
import { summary, type Summary } from '../../src/analytics/summary.ts'
import { generateDemoData } from '../../src/demo/demo-data.ts'
import { ledgerBalance, ledgerRulesOf } from '../../src/ledger/balances.ts'
import { ledgerRecoveries } from '../../src/ledger/rollups.ts'
import { formatCents, formatCount, formatEpc, formatEur } from '../../src/format/money.ts'
import { projectRoot } from '../../src/db/schema-source.ts'
import { freshDatabase, type TestDatabase } from '../helpers/databases.ts'
import { testConfig, TEST_ADMIN_SECRET } from '../helpers/app.ts'
import { createAccount } from '../helpers/console-session.ts'
import { CHROMIUM, CHROMIUM_ARGS, chromiumFor, SHOTS, listenLocally, watchPageErrors } from '../helpers/chromium.ts'

const PASSWORD = 'a long pass phrase for Camille'

const haveChromium = chromiumFor('the browser tests of the console are')

/** Text as the page shows it, with no-break spaces made plain. */
const plain = (s: string | null) => (s ?? '').replace(/[\u00a0\u202f]/g, ' ').trim()
const euros = (s: string | null) => Number(plain(s).replace(/[€\s]/g, '').replace(',', '.'))

describe.skipIf(!haveChromium)('ops console in Chromium', () => {
  let t: TestDatabase & { drop(): Promise<void> }
  let app: FastifyInstance
  let browser: Browser
  let page: Page
  let base = ''
  let shot = 0
  const consoleErrors: string[] = []

  const screenshot = async (name: string) => {
    await page.screenshot({ path: path.join(SHOTS, `${String(++shot).padStart(2, '0')}-${name}.png`), fullPage: true })
  }
  const flash = async () => plain(await page.locator('.flash').first().textContent())
  const figure = async (name: string) => plain(await page.locator(`[data-figure="${name}"]`).textContent())

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true })
    t = await freshDatabase('sqlite')
    await generateDemoData(t.database, { seed: 42 })
    app = await buildApp(testConfig(t), { database: t.database, logger: false })
    base = await listenLocally(app)
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS })
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'fr-FR', acceptDownloads: true })
    page = await context.newPage()
    watchPageErrors(page, consoleErrors)
  }, 120_000)

  afterAll(async () => {
    expect(consoleErrors).toEqual([])
    await browser?.close()
    await app?.close()
    await t?.drop()
  })

  it('sends a visitor without a session to the login page, and logs in with an email and a password', async () => {
    // The first owner, as automation makes one.
    await createAccount(app, { email: 'camille@ops.example', name: 'Camille', role: 'owner', password: PASSWORD })
    await page.goto(`${base}/admin/monitoring`)
    expect(new URL(page.url()).pathname).toBe('/login')
    await screenshot('login')
    await page.fill('input[name=email]', 'camille@ops.example')
    await page.fill('input[name=password]', 'not-the-password')
    await page.click('button[type=submit]')
    expect(await flash()).toBe('Email ou mot de passe incorrect.')
    await page.fill('input[name=password]', PASSWORD)
    await page.click('button[type=submit]')
    expect(new URL(page.url()).pathname).toBe('/admin/monitoring')
    expect(plain(await page.locator('.who').textContent())).toBe('camille@ops.example')
  })

  it('shows every card of the sketch with the numbers of summary(), and the charts', async () => {
    // summary() before and after the page: equal means nothing moved in between.
    let before: Summary
    let after: Summary
    do {
      before = await summary(t.db, app.config)
      await page.goto(`${base}/admin/monitoring`)
      after = await summary(t.db, app.config)
    } while (JSON.stringify(before) !== JSON.stringify(after))
    const s = after
    expect(await page.locator('h1').textContent()).toBe('Monitoring — ContentFlow')
    const expected: Record<string, string> = {
      rev_7d: formatEur(s.rev_7d),
      epc_7d: formatEpc(s.epc_7d),
      clicks_7d: formatCount(s.clicks_7d),
      conv_7d: formatCount(s.conv_7d),
      available: formatEur(s.available),
      reserved: formatEur(s.reserved),
      paid: formatEur(s.paid),
      headline_cpc: `${formatEur(s.offer.headline_cpc)}/clic`,
      offer_mode: s.offer.terms.mode,
      pending: formatCount(s.pending),
      approved: formatCount(s.approved),
      posted: formatCount(s.posted),
      failed: formatCount(s.failed),
      holds: formatCount(s.holds),
      postbacks_24h: formatCount(s.postbacks_24h),
      partners_active: formatCount(s.partners_active),
    }
    for (const [name, text] of Object.entries(expected)) expect(await figure(name), name).toBe(plain(text))
    expect(s.clicks_7d).toBeGreaterThan(1000) // the demo data is there
    // Beside Disponible: what partners owe back and the money of no partner (the ledger's rollup).
    const r = await ledgerRecoveries(t.database, ledgerRulesOf(app.config))
    expect(await figure('owed')).toBe(plain(formatCents(r.owedCents)))
    expect(await figure('owing_partners')).toBe(plain(formatCount(r.owingPartners)))
    expect(await figure('unattributed')).toBe(plain(formatCents(r.unattributedCents)))
    await expect(page.locator('.card b', { hasText: 'À récupérer' }).first().isVisible()).resolves.toBe(true)
    await expect(page.locator('.card .line', { hasText: 'Non attribué' }).first().isVisible()).resolves.toBe(true)
    for (const label of ['Revenue 7j', 'Clicks 7j', 'Disponible', 'Offre actuelle', 'Assignments', 'Sécurité', 'Partenaires actifs']) {
      await expect(page.locator('.card b', { hasText: label }).first().isVisible()).resolves.toBe(true)
    }
    expect(plain(await page.locator('h3', { hasText: 'Pipeline' }).textContent())).toBe('Pipeline')
    // The charts: two SVGs drawn by the server, 30 bars each, visible and sized.
    const charts = page.locator('svg.chart')
    await expect(charts.count()).resolves.toBe(2)
    for (let i = 0; i < 2; i++) {
      const box = await charts.nth(i).boundingBox()
      expect(box!.width).toBeGreaterThan(300)
      expect(box!.height).toBeGreaterThan(100)
      await expect(charts.nth(i).locator('rect.chart-bar').count()).resolves.toBe(30)
    }
    const tallest = await charts
      .nth(0)
      .locator('rect.chart-bar')
      .evaluateAll((rects) => Math.max(...rects.map((r) => r.getBoundingClientRect().height)))
    expect(tallest).toBeGreaterThan(50)
    await screenshot('monitoring')
  })

  it('follows the three links to working pages', async () => {
    for (const [text, pathname, heading, name] of [
      ['Payouts à valider', '/ops/payouts/pending', 'Payouts à valider', 'payouts-pending'],
      ['Holds', '/ops/holds', 'Holds', 'holds'],
      ['Journal des payouts', '/admin/payouts', 'Journal des payouts', 'payouts-journal'],
    ] as const) {
      await page.goto(`${base}/admin/monitoring`)
      await page.locator('p.links a', { hasText: text }).click()
      expect(new URL(page.url()).pathname).toBe(pathname)
      expect(plain(await page.locator('h1').textContent())).toBe(heading)
      await screenshot(name)
    }
  })

  /** A partner with no hold and at least `cents` available. */
  async function partnerWith(cents: number, except: number[] = []): Promise<number> {
    const rules = ledgerRulesOf(app.config)
    const held = new Set((await t.db.partnerFlag.findMany({ where: { clearedAt: null } })).map((f) => f.partnerId))
    for (const p of await t.db.partner.findMany({ orderBy: { id: 'asc' } })) {
      if (held.has(p.id) || except.includes(p.id)) continue
      const open = await t.db.payout.count({ where: { partnerId: p.id, status: { in: ['requested', 'approved'] } } })
      if (open === 0 && (await ledgerBalance(t.db, rules, { partnerId: p.id })).availableCents >= cents) return p.id
    }
    throw new Error('no partner with enough balance in the demo data')
  }

  let paidPartner = 0

  it('runs a payout requested → approved → paid, and "Disponible" drops by its amount', async () => {
    paidPartner = await partnerWith(5_000)
    await page.goto(`${base}/admin/monitoring`)
    const availableBefore = euros(await figure('available'))
    await page.goto(`${base}/admin/partners/${paidPartner}`)
    await screenshot('partner')
    await page.fill('#request-payout input[name=amount]', '50,00')
    await page.click('#request-payout button[type=submit]')
    expect(await flash()).toMatch(/^Payout #\d+ demandé \(€ 50,00\)/)
    const id = Number(/#(\d+)/.exec(await flash())![1])

    await page.goto(`${base}/ops/payouts/pending`)
    const row = page.locator(`tr[data-payout="${id}"]`)
    await row.locator('button', { hasText: 'Approuver' }).click()
    expect(await flash()).toBe(`Payout #${id} approuvé (€ 50,00).`)
    await page.locator(`tr[data-payout="${id}"] input[name=reference]`).fill('VIR-E2E-001')
    await page.locator(`tr[data-payout="${id}"] button`, { hasText: 'Marquer payé' }).click()
    expect(await flash()).toBe(`Payout #${id} marqué payé (€ 50,00, référence VIR-E2E-001).`)
    await expect(page.locator(`tr[data-payout="${id}"]`).count()).resolves.toBe(0)
    await screenshot('payouts-pending-after-pay')

    await page.goto(`${base}/admin/monitoring`)
    const availableAfter = euros(await figure('available'))
    expect(Math.round((availableBefore - availableAfter) * 100)).toBe(5_000)
    await page.goto(`${base}/admin/payouts?partner=${paidPartner}&status=paid`)
    await expect(page.locator(`tr[data-payout="${id}"]`).textContent()).resolves.toContain('VIR-E2E-001')
  })

  it('sets a hold, sees it block a payout, and lifts it', async () => {
    const partnerId = await partnerWith(2_000, [paidPartner])
    const res = await fetch(`${base}/admin/api/payouts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-admin-secret': TEST_ADMIN_SECRET },
      body: JSON.stringify({ partnerId, amountCents: 2_000 }),
    })
    const { id } = (await res.json()) as { id: number }

    await page.goto(`${base}/ops/holds`)
    await page.fill('#set-hold input[name=partnerId]', String(partnerId))
    await page.fill('#set-hold input[name=reason]', 'Pic de clics suspect')
    await page.click('#set-hold button[type=submit]')
    const name = (await t.db.partner.findUniqueOrThrow({ where: { id: partnerId } })).name
    expect(await flash()).toBe(`${name} (#${partnerId}) mis en hold : plus aucun payout ne peut être approuvé ni payé.`)
    await expect(page.locator(`tr[data-hold-partner="${partnerId}"]`).textContent()).resolves.toContain('Pic de clics suspect')
    await screenshot('holds-after-set')

    await page.goto(`${base}/ops/payouts/pending`)
    const row = page.locator(`tr[data-payout="${id}"]`)
    expect(plain(await row.locator('.blocked').textContent())).toBe('Partenaire en hold : Pic de clics suspect')
    await expect(row.locator('button', { hasText: 'Approuver' }).isDisabled()).resolves.toBe(true)
    await row.scrollIntoViewIfNeeded()
    await screenshot('payouts-pending-hold')
    // Even a forged submission is refused by the server.
    const refused = await page.evaluate(
      async ([payoutId]) => {
        const token = (document.querySelector('input[name=_csrf]') as HTMLInputElement).value
        const r = await fetch(`/ops/payouts/${payoutId}/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: `_csrf=${encodeURIComponent(token)}`,
          redirect: 'follow',
        })
        return r.text()
      },
      [id],
    )
    expect(refused).toContain('en hold (Pic de clics suspect) : approbation impossible')

    await page.goto(`${base}/ops/holds`)
    await page.locator(`tr[data-hold-partner="${partnerId}"] input[name=reason]`).fill('Trafic vérifié avec le réseau')
    await page.locator(`tr[data-hold-partner="${partnerId}"] button`, { hasText: 'Lever' }).click()
    expect(await flash()).toBe(`Hold levé : ${name} (#${partnerId}).`)
    await expect(page.locator(`tr[data-hold-partner="${partnerId}"]`).count()).resolves.toBe(0)
    expect(await page.locator('table', { hasText: 'Trafic vérifié avec le réseau' }).count()).toBeGreaterThan(0)

    await page.goto(`${base}/ops/payouts/pending`)
    await page.locator(`tr[data-payout="${id}"] button`, { hasText: 'Approuver' }).click()
    expect(await flash()).toBe(`Payout #${id} approuvé (€ 20,00).`)
    const audit = await t.db.auditLog.findMany({ where: { subject: `partner:${partnerId}` }, orderBy: { id: 'asc' } })
    expect(audit.map((a) => [a.actor, a.action])).toEqual([
      ['camille@ops.example', 'hold.set'],
      ['camille@ops.example', 'hold.lift'],
    ])
  })

  it('exports the payout journal as CSV', async () => {
    await page.goto(`${base}/admin/payouts?status=paid`)
    const total = Number(/^(\d+) payout/.exec(plain(await page.locator('.page-head .meta').textContent()))![1])
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('a', { hasText: 'Exporter en CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^payouts-\d{4}-\d{2}-\d{2}\.csv$/)
    const file = path.join(projectRoot, 'test-artifacts', download.suggestedFilename())
    await download.saveAs(file)
    const lines = readFileSync(file, 'utf8')
      .replace(/^\ufeff/, '')
      .trimEnd()
      .split('\r\n')
    expect(lines[0]).toBe(
      'id,partner_id,partner_name,amount_cents,amount_eur,status,requested_at,approved_at,paid_at,rejected_at,reference,reason',
    )
    expect(lines.length - 1).toBe(total)
    expect(lines.slice(1).every((l) => l.includes(',paid,'))).toBe(true)
    expect(lines.some((l) => l.includes('VIR-E2E-001'))).toBe(true)
  })

  it('shows the partner list, an error page, and logs out', async () => {
    await page.goto(`${base}/admin/partners`)
    expect(await page.locator('table tbody tr').count()).toBeGreaterThan(10)
    await screenshot('partners')
    const missing = await page.goto(`${base}/admin/partners/999999`)
    expect(missing!.status()).toBe(404)
    await screenshot('error-404')
    await page.goto(`${base}/admin/monitoring`)
    await page.locator('.logout button').click()
    expect(new URL(page.url()).pathname).toBe('/login')
    expect(await flash()).toBe('Vous êtes déconnecté.')
    await page.goto(`${base}/ops/holds`)
    expect(new URL(page.url()).pathname).toBe('/login')
  })
})
