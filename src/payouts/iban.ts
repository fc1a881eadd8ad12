// IBAN (ISO 13616): normalised (spaces removed, upper case), then checked for its
// country's length (SWIFT's IBAN registry) and its mod-97 check digits. Refusals
// are French one-liners that never repeat the number itself (it is a secret of
// the partner's, and refusals reach the logs).

/** Length of an IBAN per country (SWIFT IBAN registry): country code and length. */
const REGISTRY = [
  'AD24 AE23 AL28 AT20 AZ28 BA20 BE16 BG22 BH22 BR29 BY28 CH21 CR22 CY28 CZ24 DE22 DK18 DO28 EE20 EG29',
  'ES24 FI18 FO18 FR27 GB22 GE22 GI23 GL18 GR27 GT28 HR21 HU28 IE22 IL23 IQ23 IS26 IT27 JO30 KW30 KZ20',
  'LB28 LC32 LI21 LT20 LU20 LV21 MC27 MD24 ME22 MK19 MR27 MT31 MU30 NL18 NO15 PK24 PL28 PS29 PT25 QA29',
  'RO24 RS22 SA24 SC31 SE24 SI19 SK24 SM27 ST25 SV28 TL23 TN24 TR26 UA29 VA22 VG24 XK20',
].join(' ')

export const IBAN_LENGTHS: Readonly<Record<string, number>> = Object.fromEntries(
  REGISTRY.split(' ').map((e) => [e.slice(0, 2), Number(e.slice(2))]),
)

/** A refusal in French (the console) and in English (the API). */
export type IbanCheck = { ok: true; iban: string } | { ok: false; reason: string; reasonEn: string }

/** Spaces (and the no-break kinds) removed, upper case. */
export function normaliseIban(input: string): string {
  return input.replace(/[\s\u00a0\u202f-]/g, '').toUpperCase()
}

/** The ISO 7064 mod-97-10 remainder of the rearranged IBAN, digit by digit (no big integers). */
function mod97(iban: string): number {
  const rearranged = iban.slice(4) + iban.slice(0, 4)
  let rest = 0
  for (const ch of rearranged) {
    const value = ch >= 'A' && ch <= 'Z' ? ch.charCodeAt(0) - 55 : Number(ch)
    rest = value >= 10 ? (rest * 100 + value) % 97 : (rest * 10 + value) % 97
  }
  return rest
}

export function checkIban(input: string): IbanCheck {
  const iban = normaliseIban(input)
  if (iban === '') return { ok: false, reason: 'IBAN manquant', reasonEn: 'IBAN missing' }
  if (!/^[A-Z0-9]+$/.test(iban))
    return { ok: false, reason: 'IBAN invalide : lettres et chiffres seulement', reasonEn: 'invalid IBAN: letters and digits only' }
  if (!/^[A-Z]{2}\d{2}/.test(iban))
    return {
      ok: false,
      reason: 'IBAN invalide : il commence par le code pays et deux chiffres (ex. FR76)',
      reasonEn: 'invalid IBAN: it starts with a country code and two digits (e.g. FR76)',
    }
  const country = iban.slice(0, 2)
  const length = IBAN_LENGTHS[country]
  if (length === undefined)
    return { ok: false, reason: `IBAN invalide : pays ${country} inconnu`, reasonEn: `invalid IBAN: unknown country ${country}` }
  if (iban.length !== length)
    return {
      ok: false,
      reason: `IBAN invalide : ${iban.length} caractères, un IBAN ${country} en compte ${length}`,
      reasonEn: `invalid IBAN: ${iban.length} characters, a ${country} IBAN has ${length}`,
    }
  if (mod97(iban) !== 1)
    return { ok: false, reason: 'IBAN invalide : clé de contrôle incorrecte', reasonEn: 'invalid IBAN: wrong check digits' }
  return { ok: true, iban }
}

export function isValidIban(input: string): boolean {
  return checkIban(input).ok
}

/** "FR76 •••• •••• •••• •••• ••12 345": the country and check digits and the last five characters, in groups of four. */
export function maskIban(iban: string): string {
  const n = normaliseIban(iban)
  const kept = n.slice(0, 4) + '•'.repeat(Math.max(0, n.length - 9)) + n.slice(-5)
  return kept.replace(/(.{4})(?=.)/g, '$1 ')
}

/** Groups of four, as printed on a RIB. */
export function formatIban(iban: string): string {
  return normaliseIban(iban).replace(/(.{4})(?=.)/g, '$1 ')
}
