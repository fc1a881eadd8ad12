// Text in a SEPA file: the EPC's Latin subset only (a–z A–Z 0–9 / - ? : ( ) . , ' +
// space), so every bank in the scheme carries it unchanged. Accented letters lose
// their accent, a few letters and signs have a usual spelling, anything else
// becomes a space; then spaces are collapsed and the text cut to its field's length.

export const SEPA_TEXT = /^[A-Za-z0-9/\-?:().,'+ ]*$/

const SPELLED: Readonly<Record<string, string>> = {
  ß: 'ss',
  æ: 'ae',
  Æ: 'AE',
  œ: 'oe',
  Œ: 'OE',
  ø: 'o',
  Ø: 'O',
  đ: 'd',
  Đ: 'D',
  ł: 'l',
  Ł: 'L',
  þ: 'th',
  Þ: 'TH',
  ð: 'd',
  Ð: 'D',
  ı: 'i',
  '&': '+',
  _: '-',
  '"': "'",
  '’': "'",
  '‘': "'",
  '«': "'",
  '»': "'",
  '–': '-',
  '—': '-',
  '€': 'EUR',
}

/** `text` in the SEPA character set, at most `max` characters. */
export function sepaText(text: string, max: number): string {
  const latin = text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .replace(/[^A-Za-z0-9/\-?:().,'+ ]/gu, (ch) => SPELLED[ch] ?? ' ')
  return latin.replace(/\s+/g, ' ').trim().slice(0, max).trim()
}

/**
 * An identifier (MsgId, PmtInfId, EndToEndId): the SEPA set, at most 35
 * characters, not starting or ending with "/" and without "//" (EPC rule for
 * references and identifiers).
 */
export function isSepaIdentifier(id: string): boolean {
  return (
    id.length >= 1 &&
    id.length <= 35 &&
    SEPA_TEXT.test(id) &&
    !id.includes(' ') &&
    !id.startsWith('/') &&
    !id.endsWith('/') &&
    !id.includes('//')
  )
}
