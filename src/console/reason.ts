// The reason a console correction must give, checked before the domain sees it
// so that a person reads the refusal in French (the domain's own check, in
// English, stays for the JSON API).
import { MAX_REASON_LENGTH } from '../ledger/corrections.ts'
import { InvalidInput } from '../errors.ts'

export function requiredReason(input: string): string {
  const reason = input.trim()
  if (reason === '') throw new InvalidInput('motif obligatoire : indiquez pourquoi vous faites ce changement')
  if (reason.length > MAX_REASON_LENGTH) throw new InvalidInput(`motif trop long (${MAX_REASON_LENGTH} caractères au plus)`)
  return reason
}
