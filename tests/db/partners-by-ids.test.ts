// Reading many partners by id: the conversions page and the holds form offer the
// first 1,000 partners as suggestions, and with more than 999 ids in one
// statement the SQLite adapter refused the read (P2029): the page answered 500
// once a workspace had 1,000 partners.
import { beforeAll, expect, it } from 'vitest'
import { partnersByIds } from '../../src/db/queries/partners.ts'
import { partnerSuggestions, SUGGESTED_PARTNERS } from '../../src/partners/partner-choice.ts'
import { describeEachDatabase } from '../helpers/databases.ts'

describeEachDatabase('partners by id, many at once', (t) => {
  let ids: number[]

  beforeAll(async () => {
    await t().db.partner.createMany({ data: Array.from({ length: 1_200 }, (_, i) => ({ name: `Partenaire ${i + 1}` })) })
    ids = (await t().db.partner.findMany({ select: { id: true }, orderBy: { id: 'asc' } })).map((p) => p.id)
  })

  it('reads 1,200 partners in id order, whatever order they are asked in', async () => {
    const found = await partnersByIds(t().database, [...ids].reverse())
    expect(found).toHaveLength(1_200)
    expect(found.map((p) => p.id)).toEqual(ids)
    expect(found[0]!.name).toBe('Partenaire 1')
  })

  it('offers the first 1,000 partners as suggestions', async () => {
    const suggestions = await partnerSuggestions(t().database)
    expect(suggestions).toHaveLength(SUGGESTED_PARTNERS)
    expect(suggestions.at(-1)).toEqual({ id: ids[SUGGESTED_PARTNERS - 1], name: `Partenaire ${SUGGESTED_PARTNERS}` })
  })

  it('reads none for no ids', async () => {
    expect(await partnersByIds(t().database, [])).toEqual([])
  })
})
