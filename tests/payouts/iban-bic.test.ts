// Payout details and payout files, pure: IBANs of several countries accepted (with spaces,
// lower case), every one-character change of their digits refused by the mod-97
// key, wrong lengths and unknown countries refused with a French and an English
// reason that never repeat the number; BICs of 8 and 11 characters; the masking
// the console shows; text turned into the SEPA character set; the PayPal file's
// columns; the SEPA file's amount bounds and guards.
import { describe, expect, it } from 'vitest'
import { checkBic } from '../../src/payouts/bic.ts'
import { paypalPayoutsCsv } from '../../src/payouts/paypal-csv.ts'
import { pain001Xml, sepaFileProblems } from '../../src/payouts/sepa-pain001.ts'
import { checkIban, maskIban } from '../../src/payouts/iban.ts'
import { checkPayoutDetails, maskEmail, PayoutDetailsRefused } from '../../src/payouts/payout-details.ts'
import { isSepaIdentifier, SEPA_TEXT, sepaText } from '../../src/payouts/sepa-text.ts'

// Published example IBANs (banks' and the registry's own examples).
const VALID = [
  'FR14 2004 1010 0505 0001 3M02 606',
  'FR76 3000 6000 0112 3456 7890 189',
  'DE89 3704 0044 0532 0130 00',
  'GB82 WEST 1234 5698 7654 32',
  'NL91 ABNA 0417 1643 00',
  'BE68 5390 0754 7034',
  'IT60 X054 2811 1010 0000 0123 456',
  'ES91 2100 0418 4502 0005 1332',
  'CH93 0076 2011 6238 5295 7',
  'NO93 8601 1117 947',
  'MT84 MALT 0110 0001 2345 MTLC AST0 01S',
]

describe('IBAN', () => {
  it('accepts valid IBANs of several countries, normalised (no spaces, upper case)', () => {
    for (const iban of VALID) {
      const c = checkIban(iban.toLowerCase())
      expect(c, iban).toEqual({ ok: true, iban: iban.replace(/ /g, '') })
    }
  })

  it('refuses every one-digit change, with the check-digit reason', () => {
    let changes = 0
    for (const iban of VALID.map((i) => i.replace(/ /g, ''))) {
      for (let pos = 2; pos < iban.length; pos++) {
        const ch = iban[pos]!
        if (!/\d/.test(ch)) continue
        const other = String((Number(ch) + 1 + (pos % 9)) % 10)
        if (other === ch) continue
        const changed = iban.slice(0, pos) + other + iban.slice(pos + 1)
        const c = checkIban(changed)
        expect(c.ok, changed).toBe(false)
        if (!c.ok) {
          expect(c.reason).toBe('IBAN invalide : clé de contrôle incorrecte')
          expect(c.reasonEn).toBe('invalid IBAN: wrong check digits')
        }
        changes++
      }
    }
    expect(changes).toBeGreaterThan(150)
  })

  it('refuses bad lengths, unknown countries and stray characters, without repeating the number', () => {
    const short = checkIban('FR76 3000 6000 0112 3456 7890 18')
    expect(short).toMatchObject({ ok: false, reason: 'IBAN invalide : 26 caractères, un IBAN FR en compte 27' })
    expect(checkIban('DE89 3704 0044 0532 0130 000')).toMatchObject({
      ok: false,
      reasonEn: 'invalid IBAN: 23 characters, a DE IBAN has 22',
    })
    expect(checkIban('ZZ12 3456 7890')).toMatchObject({ ok: false, reason: 'IBAN invalide : pays ZZ inconnu' })
    expect(checkIban('FR76*3000')).toMatchObject({ ok: false })
    expect(checkIban('')).toMatchObject({ ok: false, reason: 'IBAN manquant' })
    expect(checkIban('7630006000011234567890189')).toMatchObject({ ok: false })
    for (const bad of ['FR7630006000011234567890188', 'FR76300060000112345678901']) {
      const c = checkIban(bad)
      expect(c.ok).toBe(false)
      if (!c.ok) expect(`${c.reason} ${c.reasonEn}`).not.toContain('30006000')
    }
  })

  it('masks as the console shows it: country, key and the last five characters', () => {
    expect(maskIban('FR7630006000011234567890189')).toBe('FR76 •••• •••• •••• •••• ••90 189')
    expect(maskIban('BE68539007547034')).toBe('BE68 •••• •••4 7034')
    expect(maskEmail('jane.doe@example.com')).toBe('j•••@example.com')
  })
})

describe('BIC', () => {
  it('accepts 8 and 11 characters, normalised', () => {
    expect(checkBic('bnpafrpp')).toEqual({ ok: true, bic: 'BNPAFRPP' })
    expect(checkBic('DEUT DE FF 500')).toEqual({ ok: true, bic: 'DEUTDEFF500' })
    expect(checkBic('NEDSZAJJXXX')).toEqual({ ok: true, bic: 'NEDSZAJJXXX' })
  })

  it('refuses other lengths and shapes', () => {
    expect(checkBic('BNPAFRP')).toMatchObject({ ok: false, reason: 'BIC invalide : 7 caractères, un BIC en compte 8 ou 11' })
    expect(checkBic('BNPAFRPPXX')).toMatchObject({ ok: false, reasonEn: 'invalid BIC: 10 characters, a BIC has 8 or 11' })
    for (const bad of ['BNP1FRPP', 'BNPAF1PP', 'BNPAFR1P', 'BNPAFRPO', 'BNPAFRPP-01', '']) expect(checkBic(bad).ok, bad).toBe(false)
  })
})

describe('payout details', () => {
  it('checks SEPA details as a whole, French and English reasons', () => {
    expect(
      checkPayoutDetails({ method: 'sepa', iban: 'fr76 3000 6000 0112 3456 7890 189', bic: 'bnpafrpp', holder: '  Inès   Martin ' }),
    ).toEqual({
      payoutMethod: 'sepa',
      payoutIban: 'FR7630006000011234567890189',
      payoutBic: 'BNPAFRPP',
      payoutHolder: 'Inès Martin',
      payoutEmail: null,
    })
    const refusal = (input: unknown) => {
      try {
        checkPayoutDetails(input)
      } catch (err) {
        expect(err).toBeInstanceOf(PayoutDetailsRefused)
        return [(err as PayoutDetailsRefused).message, (err as PayoutDetailsRefused).english]
      }
      throw new Error('accepted')
    }
    expect(refusal({ method: 'sepa', iban: 'FR7630006000011234567890188', bic: 'BNPAFRPP', holder: 'X' })).toEqual([
      'IBAN invalide : clé de contrôle incorrecte',
      'invalid IBAN: wrong check digits',
    ])
    expect(refusal({ method: 'sepa', iban: 'FR7630006000011234567890189', bic: 'BNPA', holder: 'X' })[1]).toBe(
      'invalid BIC: 4 characters, a BIC has 8 or 11',
    )
    expect(refusal({ method: 'sepa', iban: 'FR7630006000011234567890189', bic: 'BNPAFRPP', holder: '東京' })[0]).toBe(
      'titulaire du compte : en caractères latins (SEPA)',
    )
    expect(refusal({ method: 'paypal', email: 'not-an-email' })).toEqual(['e-mail PayPal invalide', 'invalid PayPal email'])
    expect(refusal({ method: 'cheque' })[1]).toBe('method: "sepa" or "paypal"')
    expect(refusal({ method: 'sepa', iban: 'FR7630006000011234567890189' })[1]).toBe('sepa expects exactly iban, bic and holder (strings)')
  })
})

describe('SEPA text', () => {
  it('keeps the Latin subset, transliterates accents and replaces the rest, within the length', () => {
    expect(sepaText('Zoë Ångström & Søn — « Ça »', 70)).toBe("Zoe Angstrom + Son - ' Ca '")
    expect(sepaText('Müller_Straße; n°5 <b>', 70)).toBe('Muller-Strasse n 5 b')
    expect(sepaText('a'.repeat(200), 140)).toHaveLength(140)
    for (const s of ['Zoë — 東京 ; @ # € %', '"<>&*!§']) expect(SEPA_TEXT.test(sepaText(s, 70))).toBe(true)
  })

  it('accepts identifiers of the SEPA set, ≤ 35, without a leading, trailing or double slash', () => {
    expect(isSepaIdentifier('CF-SEPA-20261206-000001')).toBe(true)
    for (const bad of ['', 'a'.repeat(36), '/CF', 'CF/', 'C//F', 'CF 1', 'CF_1']) expect(isSepaIdentifier(bad), bad).toBe(false)
  })
})

describe('PayPal payouts file', () => {
  it("writes PayPal's columns with no header, quoting only what CSV needs", () => {
    const csv = paypalPayoutsCsv([
      { email: '+paul@example.com', amountCents: 8_010, customerId: 'CF-PAYOUT-7', note: 'Merci, "Paul"' },
      { email: 'ana@example.com', amountCents: 5, customerId: 'CF-PAYOUT-8', note: 'Note' },
    ])
    expect(csv).toBe(
      '+paul@example.com,"80,10",EUR,CF-PAYOUT-7,"Merci, ""Paul""",PAYPAL\r\nana@example.com,"0,05",EUR,CF-PAYOUT-8,Note,PAYPAL\r\n',
    )
    expect(() => paypalPayoutsCsv([{ email: 'a@b.example', amountCents: 1, customerId: 'CF PAYOUT 1', note: '' }])).toThrow(/invalide/)
    expect(() => paypalPayoutsCsv([])).toThrow(/aucun paiement/)
  })
})

describe('SEPA file guards', () => {
  const input = (amountCents: number, iban = 'DE89370400440532013000') => ({
    msgId: 'CF-SEPA-20261206-000001',
    createdAt: new Date('2026-12-06T10:00:00Z'),
    executionDate: '2026-12-06',
    debtor: { name: 'ContentFlow SAS', iban: 'FR1420041010050500013M02606', bic: 'PSSTFRPPPAR' },
    transfers: [{ endToEndId: 'CF-PAYOUT-1', amountCents, creditorName: 'Zoë', iban, bic: 'DEUTDEFF', remittance: 'x' }],
  })

  it('writes amounts from cents with two decimals, within the EPC bounds only', () => {
    expect(pain001Xml(input(99_999_999_999))).toContain('<InstdAmt Ccy="EUR">999999999.99</InstdAmt>')
    expect(pain001Xml(input(100))).toContain('<CtrlSum>1.00</CtrlSum>')
    expect(sepaFileProblems(input(100_000_000_000))).toEqual(['CF-PAYOUT-1 : montant hors des bornes SEPA (0,01 à 999 999 999,99)'])
    expect(sepaFileProblems(input(0))).toHaveLength(1)
    expect(sepaFileProblems(input(100, 'DE89370400440532013001'))).toEqual(['CF-PAYOUT-1 : IBAN du bénéficiaire invalide'])
    expect(() => pain001Xml(input(100, 'DE89370400440532013001'))).toThrow(/IBAN du bénéficiaire invalide/)
  })
})
