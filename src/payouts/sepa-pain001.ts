// A SEPA credit transfer file, pain.001.001.03 as the EPC's customer-to-bank
// implementation guidelines use it: one group header, one payment information
// block (transfer, batch booking, service level SEPA, charges SLEV) and one
// transaction per payout. Amounts come from integer cents as text (never a float);
// names and remittance text are in the SEPA character set and cut to their field's
// length; identifiers are checked. Pure: the same input gives the same bytes.
import { checkBic } from './bic.ts'
import { checkIban } from './iban.ts'
import { isSepaIdentifier, sepaText } from './sepa-text.ts'

export const PAIN001_NAMESPACE = 'urn:iso:std:iso:20022:tech:xsd:pain.001.001.03'

/** EPC bounds of an instructed amount: € 0,01 to € 999 999 999,99. */
export const SEPA_MIN_CENTS = 1
export const SEPA_MAX_CENTS = 99_999_999_999

export interface SepaDebtor {
  name: string
  iban: string
  bic: string
}

export interface SepaTransfer {
  endToEndId: string
  amountCents: number
  creditorName: string
  iban: string
  bic: string
  remittance: string
}

export interface SepaFileInput {
  msgId: string
  createdAt: Date
  /** The requested execution day (UTC), YYYY-MM-DD. */
  executionDate: string
  debtor: SepaDebtor
  transfers: readonly SepaTransfer[]
}

/** 123456 → "1234.56". */
export function centsToDecimal(cents: number): string {
  return `${Math.floor(cents / 100)}.${String(cents % 100).padStart(2, '0')}`
}

const escapeXml = (s: string) =>
  s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/'/g, '&apos;').replace(/"/g, '&quot;')

/** Why the file cannot be written, or null: checked before any byte is produced. */
export function sepaFileProblems(input: SepaFileInput): string[] {
  const problems: string[] = []
  if (!isSepaIdentifier(input.msgId)) problems.push(`identifiant de message « ${input.msgId} » invalide`)
  if (!/^\d{4}-\d{2}-\d{2}$/.test(input.executionDate)) problems.push("date d'exécution invalide")
  if (input.transfers.length === 0) problems.push('aucun virement')
  const seen = new Set<string>()
  for (const t of input.transfers) {
    if (!isSepaIdentifier(t.endToEndId)) problems.push(`référence ${t.endToEndId} invalide`)
    if (seen.has(t.endToEndId)) problems.push(`référence ${t.endToEndId} en double`)
    seen.add(t.endToEndId)
    if (!Number.isInteger(t.amountCents) || t.amountCents < SEPA_MIN_CENTS || t.amountCents > SEPA_MAX_CENTS)
      problems.push(`${t.endToEndId} : montant hors des bornes SEPA (0,01 à 999 999 999,99)`)
    if (!checkIban(t.iban).ok) problems.push(`${t.endToEndId} : IBAN du bénéficiaire invalide`)
    if (!checkBic(t.bic).ok) problems.push(`${t.endToEndId} : BIC du bénéficiaire invalide`)
    if (sepaText(t.creditorName, 70) === '') problems.push(`${t.endToEndId} : nom du bénéficiaire vide en caractères SEPA`)
  }
  return problems
}

/** The file's XML (UTF-8 text). Throws if sepaFileProblems finds anything: callers check first. */
export function pain001Xml(input: SepaFileInput): string {
  const problems = sepaFileProblems(input)
  if (problems.length > 0) throw new Error(`pain.001 impossible : ${problems.join(' ; ')}`)
  const count = input.transfers.length
  const sum = centsToDecimal(input.transfers.reduce((s, t) => s + t.amountCents, 0))
  const created = input.createdAt.toISOString().slice(0, 19)
  const debtorName = escapeXml(sepaText(input.debtor.name, 70))
  const tag = (name: string, value: string) => `<${name}>${value}</${name}>`
  const lines: string[] = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<Document xmlns="${PAIN001_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">`,
    '  <CstmrCdtTrfInitn>',
    '    <GrpHdr>',
    `      ${tag('MsgId', escapeXml(input.msgId))}`,
    `      ${tag('CreDtTm', created)}`,
    `      ${tag('NbOfTxs', String(count))}`,
    `      ${tag('CtrlSum', sum)}`,
    `      <InitgPty>${tag('Nm', debtorName)}</InitgPty>`,
    '    </GrpHdr>',
    '    <PmtInf>',
    `      ${tag('PmtInfId', escapeXml(`${input.msgId}-1`.slice(-35)))}`,
    '      <PmtMtd>TRF</PmtMtd>',
    '      <BtchBookg>true</BtchBookg>',
    `      ${tag('NbOfTxs', String(count))}`,
    `      ${tag('CtrlSum', sum)}`,
    '      <PmtTpInf><SvcLvl><Cd>SEPA</Cd></SvcLvl></PmtTpInf>',
    `      ${tag('ReqdExctnDt', input.executionDate)}`,
    `      <Dbtr>${tag('Nm', debtorName)}</Dbtr>`,
    `      <DbtrAcct><Id>${tag('IBAN', checkIbanOrThrow(input.debtor.iban))}</Id></DbtrAcct>`,
    `      <DbtrAgt><FinInstnId>${tag('BIC', checkBicOrThrow(input.debtor.bic))}</FinInstnId></DbtrAgt>`,
    '      <ChrgBr>SLEV</ChrgBr>',
  ]
  for (const t of input.transfers) {
    lines.push(
      '      <CdtTrfTxInf>',
      `        <PmtId>${tag('EndToEndId', escapeXml(t.endToEndId))}</PmtId>`,
      `        <Amt><InstdAmt Ccy="EUR">${centsToDecimal(t.amountCents)}</InstdAmt></Amt>`,
      `        <CdtrAgt><FinInstnId>${tag('BIC', checkBicOrThrow(t.bic))}</FinInstnId></CdtrAgt>`,
      `        <Cdtr>${tag('Nm', escapeXml(sepaText(t.creditorName, 70)))}</Cdtr>`,
      `        <CdtrAcct><Id>${tag('IBAN', checkIbanOrThrow(t.iban))}</Id></CdtrAcct>`,
      `        <RmtInf>${tag('Ustrd', escapeXml(sepaText(t.remittance, 140)))}</RmtInf>`,
      '      </CdtTrfTxInf>',
    )
  }
  lines.push('    </PmtInf>', '  </CstmrCdtTrfInitn>', '</Document>', '')
  return lines.join('\n')
}

function checkIbanOrThrow(iban: string): string {
  const c = checkIban(iban)
  if (!c.ok) throw new Error(c.reason)
  return c.iban
}

function checkBicOrThrow(bic: string): string {
  const c = checkBic(bic)
  if (!c.ok) throw new Error(c.reason)
  return c.bic
}
