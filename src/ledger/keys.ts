// What a conversion is keyed on in the ledger: (network, txn id) is unique
// (wallet_entries), so the txn id decides what "the same conversion" means.

/** Network.dedupeBy: "txn", one conversion per transaction id; "click", one per click. */
export type DedupeBy = 'txn' | 'click'

/**
 * The txn id an entry of this network is keyed on. A network set to deduplicate
 * by click (it sends no transaction id: Voluum, Binom, Keitaro setups) makes one
 * conversion per click: its entries are keyed on our click id (the sub-id's
 * third part), whatever txn_id it may send, so a retry or a status update of
 * the same click finds the same entry. null: a "txn" network sent none.
 */
export function ledgerTxnId(dedupeBy: DedupeBy, sentTxnId: string | undefined, clickId: string): string | null {
  if (dedupeBy === 'click') return clickId
  return sentTxnId?.trim() || null
}
