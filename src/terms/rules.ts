// Commission terms (issue 31): what a partner earns on what the network pays.
// Pure: the terms in force at an instant and the earnings they give. A percent is
// kept as basis points (35 % = 3500) so that 2 decimals stay exact in integers.

export const TERMS_MODES = ['revshare', 'cpa', 'cpc'] as const
export type TermsMode = (typeof TERMS_MODES)[number]

export interface Terms {
  mode: TermsMode
  /** revshare: basis points (10 000 = 100 %); cpa, cpc: cents. */
  value: number
}

/** No terms set anywhere: the partner earns what the network pays (the seed's figures). */
export const DEFAULT_TERMS: Terms = { mode: 'revshare', value: 10_000 }

/** A row of the terms' history, as the rules need it. */
export interface TermsRow extends Terms {
  id: number
  offerId: number
  /** null: the offer's terms; set: this partner's override on the offer. */
  partnerId: number | null
  effectiveFrom: Date
}

/** The latest row at or before `at` (ties: the later row). */
function latest(rows: readonly TermsRow[], at: Date): TermsRow | undefined {
  let best: TermsRow | undefined
  for (const r of rows) {
    if (r.effectiveFrom.getTime() > at.getTime()) continue
    if (
      !best ||
      r.effectiveFrom.getTime() > best.effectiveFrom.getTime() ||
      (r.effectiveFrom.getTime() === best.effectiveFrom.getTime() && r.id > best.id)
    )
      best = r
  }
  return best
}

/**
 * The terms in force for (partner, offer) at `at`: the partner's override first,
 * else the offer's, else revshare 100 %. `rows` may hold other offers' rows.
 */
export function termsInForce(rows: readonly TermsRow[], offerId: number, partnerId: number | null, at: Date): Terms {
  const ofOffer = rows.filter((r) => r.offerId === offerId)
  const override =
    partnerId === null
      ? undefined
      : latest(
          ofOffer.filter((r) => r.partnerId === partnerId),
          at,
        )
  const found =
    override ??
    latest(
      ofOffer.filter((r) => r.partnerId === null),
      at,
    )
  return found ? { mode: found.mode, value: found.value } : DEFAULT_TERMS
}

/** Stored terms of an entry: null (booked before terms existed) is revshare 100 %. */
export function termsOfEntry(mode: string | null, value: number | null): Terms {
  if (mode === null || value === null) return DEFAULT_TERMS
  return { mode: mode as TermsMode, value }
}

/**
 * What the partner earns on a conversion the network pays `revenueCents` for:
 * revshare rounds half up on the cent, once; cpa is the fixed cents; cpc earns
 * nothing on conversions (its clicks earn, src/terms/cpc-accrual.ts).
 */
export function conversionEarnings(terms: Terms, revenueCents: number): number {
  switch (terms.mode) {
    case 'revshare':
      // Revenue is never negative on an entry (a return stops at 0); integers only.
      return Math.floor((revenueCents * terms.value + 5_000) / 10_000)
    case 'cpa':
      return terms.value
    case 'cpc':
      return 0
  }
}

/** Basis points as the API and the console write a percent: 3500 → "35", 3550 → "35.5". */
export function percentText(basisPoints: number): string {
  return (basisPoints / 100).toString()
}
