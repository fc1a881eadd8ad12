// Exact sums of the decimal strings a ledger entry keeps (its original amount, as
// the network wrote it once normalised: "-20.5", "100.00"), for a partial return
// in the sale's own currency. BigInt throughout: no float touches money.

interface Dec {
  units: bigint
  scale: number
}

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/

function parse(text: string): Dec | null {
  const m = DECIMAL.exec(text.trim())
  if (!m) return null
  const fraction = m[3] ?? ''
  const units = BigInt(`${m[2]!}${fraction}`)
  return { units: m[1] === '-' ? -units : units, scale: fraction.length }
}

function scaled(d: Dec, scale: number): bigint {
  return d.units * 10n ** BigInt(scale - d.scale)
}

function format(units: bigint, scale: number): string {
  const negative = units < 0n
  const digits = (negative ? -units : units).toString().padStart(scale + 1, '0')
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`
  return negative ? `-${text}` : text
}

/** a + b, never below 0, at the finer of the two scales; null when either is not a plain decimal. */
export function addDecimalsFloorZero(a: string, b: string): string | null {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y) return null
  const scale = Math.max(x.scale, y.scale)
  const sum = scaled(x, scale) + scaled(y, scale)
  return format(sum < 0n ? 0n : sum, scale)
}

/** Whether two decimal strings are the same number ("12.5" and "12.50"); false when either is not a plain decimal. */
export function sameDecimal(a: string, b: string): boolean {
  const x = parse(a)
  const y = parse(b)
  if (!x || !y) return false
  const scale = Math.max(x.scale, y.scale)
  return scaled(x, scale) === scaled(y, scale)
}
