// BIC (ISO 9362): 8 or 11 characters — institution (4 letters), country (2
// letters), location (2), optional branch (3) — with the pattern of the
// pain.001.001.03 schema's BICIdentifier, so a BIC we accept the bank's parser accepts.

const BIC_PATTERN = /^[A-Z]{6}[A-Z2-9][A-NP-Z0-9]([A-Z0-9]{3})?$/

export type BicCheck = { ok: true; bic: string } | { ok: false; reason: string; reasonEn: string }

export function normaliseBic(input: string): string {
  return input.replace(/[\s\u00a0\u202f]/g, '').toUpperCase()
}

export function checkBic(input: string): BicCheck {
  const bic = normaliseBic(input)
  if (bic === '') return { ok: false, reason: 'BIC manquant', reasonEn: 'BIC missing' }
  if (bic.length !== 8 && bic.length !== 11)
    return {
      ok: false,
      reason: `BIC invalide : ${bic.length} caractères, un BIC en compte 8 ou 11`,
      reasonEn: `invalid BIC: ${bic.length} characters, a BIC has 8 or 11`,
    }
  if (!BIC_PATTERN.test(bic))
    return {
      ok: false,
      reason: 'BIC invalide : 4 lettres (banque), 2 lettres (pays), 2 caractères (lieu), puis 3 en option (agence)',
      reasonEn: 'invalid BIC: 4 letters (bank), 2 letters (country), 2 characters (location), then 3 optional (branch)',
    }
  return { ok: true, bic }
}

export function isValidBic(input: string): boolean {
  return checkBic(input).ok
}
