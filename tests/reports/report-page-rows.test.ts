// The reports page shows the first PAGE_ROWS rows of the sorted report and says
// so; its total and the CSV still cover every row. On both databases.
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { FastifyInstance } from 'fastify'
import { insertClickEvents, type ClickEventRow } from '../../src/db/hot/index.ts'
import { PAGE_ROWS } from '../../src/routes/admin/reports.ts'
import { describeEachDatabase } from '../helpers/databases.ts'
import { buildTestApp } from '../helpers/app.ts'
import { ConsoleSession } from '../helpers/console-session.ts'

describeEachDatabase('reports page rows', (t) => {
  let app: FastifyInstance
  const partners = PAGE_ROWS + 7
  beforeAll(async () => {
    app = await buildTestApp(t())
    // Partner i gets i clicks on 2031-03-05, so that by clicks the order is known.
    const rows: ClickEventRow[] = []
    for (let p = 1; p <= partners; p++)
      for (let i = 0; i < (p % 4 === 0 ? 2 : 1); i++)
        rows.push({
          kind: 'click',
          ts: new Date(Date.UTC(2031, 2, 5, 12, 0, 0, p * 10 + i)),
          partnerId: p,
          assignmentId: null,
          offerId: null,
          clickId: `PR${p}c${i}`,
          visitorHash: null,
          userAgent: null,
          referer: null,
          isUnique: true,
        })
    for (let i = 0; i < rows.length; i += 200) await insertClickEvents(t().database, rows.slice(i, i + 200))
  })
  afterAll(async () => {
    await app.close()
  })

  it('shows the first rows in the chosen order, says how many there are, and totals them all', async () => {
    const session = new ConsoleSession(app)
    await session.login({ role: 'viewer' })
    const res = await session.get('/admin/reports?groupBy=partner&from=2031-03-05&to=2031-03-05&sort=clicks&dir=desc')
    expect(res.statusCode, res.body).toBe(200)
    const shown = [...res.body.matchAll(/<tr data-key="(\d+|none)">/g)].map((m) => m[1])
    expect(shown).toHaveLength(PAGE_ROWS)
    // Partners with two clicks come first.
    expect(shown.slice(0, 3).every((k) => Number(k) % 4 === 0)).toBe(true)
    expect(res.body).toContain(`${PAGE_ROWS} premières lignes sur ${partners} : le CSV contient tout`)
    const totalClicks = partners + Math.floor(partners / 4)
    const total = /<tr class="strong" data-key="total">\s*<td>Total<\/td>\s*<td class="num">([^<]+)<\/td>/.exec(res.body)
    expect(total?.[1]?.replace(/\s/g, '')).toBe(String(totalClicks))

    const csv = await session.get('/admin/reports.csv?groupBy=partner&from=2031-03-05&to=2031-03-05&sort=clicks&dir=desc')
    expect(csv.statusCode).toBe(200)
    // A header, every partner, the total.
    expect(csv.body.trim().split('\n')).toHaveLength(partners + 2)
  })

  it('says nothing of a limit when every row is shown', async () => {
    const session = new ConsoleSession(app)
    await session.login({ role: 'viewer' })
    const res = await session.get('/admin/reports?groupBy=day&from=2031-03-01&to=2031-03-10')
    expect(res.statusCode).toBe(200)
    expect([...res.body.matchAll(/<tr data-key="\d{4}-\d\d-\d\d">/g)]).toHaveLength(10)
    expect(res.body).not.toContain('premières lignes')
  })
})
