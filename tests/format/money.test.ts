import { expect, it } from 'vitest'
import { formatCents, formatCount, formatEpc, formatEur, parseEurToCents } from '../../src/format/money.ts'

const nb = (s: string) => s.replace(/ /g, '\u00a0')

it('formats cents the French way, one style everywhere', () => {
  expect(formatCents(123450)).toBe(nb('€ 1 234,50'))
  expect(formatCents(5)).toBe(nb('€ 0,05'))
  expect(formatCents(0)).toBe(nb('€ 0,00'))
  expect(formatCents(-700)).toBe(nb('−€ 7,00'))
  expect(formatCents(123456789012)).toBe(nb('€ 1 234 567 890,12'))
})

it('formats the summary amounts (EUR) with 2 decimals and the EPC with 3', () => {
  expect(formatEur(6490663.8)).toBe(nb('€ 6 490 663,80'))
  expect(formatEur(40.05)).toBe(nb('€ 40,05'))
  expect(formatEpc(0.791)).toBe(nb('€ 0,791'))
  expect(formatEpc(5.7)).toBe(nb('€ 5,700'))
  expect(formatCount(1119861)).toBe(nb('1 119 861'))
  expect(formatCount(0)).toBe('0')
})

it('parses the amounts ops type', () => {
  expect(parseEurToCents('12,50')).toBe(1250)
  expect(parseEurToCents('12.5')).toBe(1250)
  expect(parseEurToCents('€ 1 234,05')).toBe(123405)
  expect(parseEurToCents('7')).toBe(700)
  for (const bad of ['', '-5', '1,234', '12,345', 'abc', '1e3', '0x10', '1.2.3']) expect(parseEurToCents(bad), bad).toBeNull()
})
