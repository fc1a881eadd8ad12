// The ledger's corrections word their refusals in English for the JSON API; a
// console form shows them in French. Known refusals are reworded here, anything
// else passes through unchanged (still a clear one-line refusal).
import { DomainError, InvalidInput, NotFound, Refused } from '../errors.ts'
import { formatCents } from '../format/money.ts'
import { statusLabel } from './labels.ts'

const FRENCH: [RegExp, (m: RegExpExecArray) => string][] = [
  [/^already (\d+) cents$/, (m) => `le montant est déjà de ${formatCents(Number(m[1]))} : rien à corriger`],
  [/^already (\w+)$/, (m) => `la conversion est déjà « ${statusLabel(m[1])} » : rien à changer`],
  [
    /^conversion #(\d+) is already attributed to partner #(\d+) and not flagged$/,
    (m) => `la conversion #${m[1]} est déjà attribuée au partenaire #${m[2]} et n'est pas signalée : rien à réattribuer`,
  ],
  [/^conversion #(\d+) changed meanwhile/, (m) => `la conversion #${m[1]} a changé entre-temps : rechargez la page et recommencez`],
  [/^no conversion #(\d+)$/, (m) => `conversion #${m[1]} introuvable`],
  [/^no partner #(\d+)$/, (m) => `partenaire #${m[1]} introuvable`],
  [/^amountCents must be a non-zero/, () => "montant invalide : un ajustement n'est jamais de 0"],
  [/^amountCents must be/, () => 'montant invalide (ex. 15,50)'],
  [/^status must be one of/, () => 'statut inconnu'],
]

function frenchOf(err: DomainError, text: string): DomainError {
  if (err instanceof Refused) return new Refused(text)
  if (err instanceof NotFound) return new NotFound(text)
  if (err instanceof InvalidInput) return new InvalidInput(text)
  return err
}

/** Runs a correction; a refusal it knows comes back in French. */
export async function inFrench<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action()
  } catch (err) {
    if (!(err instanceof DomainError)) throw err
    for (const [pattern, text] of FRENCH) {
      const m = pattern.exec(err.message)
      if (m) throw frenchOf(err, text(m))
    }
    throw err
  }
}
