// A report's figures for one group and their derived ratios (docs/console.md
// "Rapports"): clicks are events of kind click, unique clicks those marked unique,
// bot clicks events of kind bot; conversions counted by status on their creation
// day; revenue the confirmed conversions' cents; EPC = revenue / clicks (0 with
// no click); conversion rate = confirmed conversions / clicks.
export const CONVERSION_STATUSES = ['pending', 'confirmed', 'rejected', 'reversed'] as const
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number]

export interface Figures {
  clicks: number
  uniqueClicks: number
  botClicks: number
  conversions: Record<ConversionStatus, number>
  revenueCents: number
}

export interface Ratios {
  /** Euros per click, rounded to 3 decimals. */
  epc: number
  /** Confirmed conversions per click (0 to 1, and more if conversions outnumber clicks), 6 decimals. */
  conversionRate: number
}

/** One group of a report: its figures and ratios. */
export interface ReportRow extends Figures, Ratios {
  /** The group: an ISO day, an id, or "none". */
  key: string
  /** How people call it: dd/mm/yyyy, a name, "code — partner" for a link. */
  label: string
}

export function emptyFigures(): Figures {
  return { clicks: 0, uniqueClicks: 0, botClicks: 0, conversions: { pending: 0, confirmed: 0, rejected: 0, reversed: 0 }, revenueCents: 0 }
}

export function isConversionStatus(status: string): status is ConversionStatus {
  return (CONVERSION_STATUSES as readonly string[]).includes(status)
}

/** Adds a rollup cell of click events (kind click or bot) to `f`. */
export function addClicks(f: Figures, kind: string, count: number, uniqueCount: number): void {
  if (kind === 'click') {
    f.clicks += count
    f.uniqueClicks += uniqueCount
  } else if (kind === 'bot') f.botClicks += count
}

/** Adds a ledger cell of conversions (entries and revenue, what the networks pay, of one status) to `f`. */
export function addConversions(f: Figures, status: string, entries: number, revenueCents: number): void {
  if (!isConversionStatus(status)) return
  f.conversions[status] += entries
  if (status === 'confirmed') f.revenueCents += revenueCents
}

export function sumFigures(all: readonly Figures[]): Figures {
  const total = emptyFigures()
  for (const f of all) {
    total.clicks += f.clicks
    total.uniqueClicks += f.uniqueClicks
    total.botClicks += f.botClicks
    for (const s of CONVERSION_STATUSES) total.conversions[s] += f.conversions[s]
    total.revenueCents += f.revenueCents
  }
  return total
}

export function ratiosOf(f: Figures): Ratios {
  if (f.clicks === 0) return { epc: 0, conversionRate: 0 }
  // Cents × 10 / clicks rounded is thousandths of a euro: one rounding, on integers.
  return {
    epc: Math.round((f.revenueCents * 10) / f.clicks) / 1000,
    conversionRate: Math.round((f.conversions.confirmed * 1e6) / f.clicks) / 1e6,
  }
}

export function isEmpty(f: Figures): boolean {
  return f.clicks === 0 && f.botClicks === 0 && f.revenueCents === 0 && CONVERSION_STATUSES.every((s) => f.conversions[s] === 0)
}
