import { expect, it } from 'vitest'
import { currentOffer, roundedEuros } from '../../src/pricing/current-offer.ts'

const rule = { cpcShare: 0.5, floorCents: 2, capCents: 100, bootstrapCpcCents: 5, minClicks: 1000 }

it('offers the bootstrap CPC while there are too few clicks to trust the EPC', () => {
  expect(currentOffer({ clicks7d: 999, revenue7dCents: 500_000 }, rule)).toMatchObject({
    headline_cpc: 0.05,
    epc_7d: 5.005,
    terms: { mode: 'bootstrap' },
  })
})

it('offers a share of the 7-day EPC, clamped to the floor and the cap', () => {
  // EPC 80 000 / 1000 = 80 cents; half = 40 cents.
  expect(currentOffer({ clicks7d: 1000, revenue7dCents: 80_000 }, rule)).toMatchObject({
    headline_cpc: 0.4,
    epc_7d: 0.8,
    terms: { mode: 'epc_share', clamped: null },
  })
  expect(currentOffer({ clicks7d: 1000, revenue7dCents: 1_000 }, rule)).toMatchObject({ headline_cpc: 0.02, terms: { clamped: 'floor' } })
  expect(currentOffer({ clicks7d: 1000, revenue7dCents: 10_000_000 }, rule)).toMatchObject({ headline_cpc: 1, terms: { clamped: 'cap' } })
  expect(currentOffer({ clicks7d: 2000, revenue7dCents: 0 }, rule)).toMatchObject({
    headline_cpc: 0.02,
    epc_7d: 0,
    terms: { clamped: 'floor' },
  })
})

it('throws on impossible figures (the summary then falls back)', () => {
  expect(() => currentOffer({ clicks7d: -1, revenue7dCents: 0 }, rule)).toThrow()
  expect(() => currentOffer({ clicks7d: 1.5, revenue7dCents: 0 }, rule)).toThrow()
  expect(() => currentOffer({ clicks7d: 10, revenue7dCents: Number.NaN }, rule)).toThrow()
})

it('rounds euros per click half up, exactly', () => {
  expect(roundedEuros(4005, 6, 3)).toBe(6.675) // 6.675 exactly
  expect(roundedEuros(4005, 6, 2)).toBe(6.68) // half up, not the float's 6.67
  expect(roundedEuros(1, 3, 3)).toBe(0.003)
  expect(roundedEuros(0, 0, 3)).toBe(0)
})
