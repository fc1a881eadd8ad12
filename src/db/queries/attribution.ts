// What the ledger reads to attribute a new conversion: the clicks its sub-ids
// name (with the network of the click's offer) and which partners exist. Direct
// SQL inside the ledger's transaction, the ids as one JSON parameter.
import type { Provider } from '../provider.ts'
import { jsonRowsSelect, type SqlRunner } from '../hot/index.ts'
import { sql } from '../sql.ts'

export interface ClickForAttribution {
  clickId: string
  partnerId: number | null
  assignmentId: number | null
  kind: string
  /** The network of the click's offer; null when unknown (no offer, or the offer is gone). */
  networkId: number | null
}

export async function clicksForAttribution(db: SqlRunner, provider: Provider, clickIds: readonly string[]): Promise<ClickForAttribution[]> {
  if (clickIds.length === 0) return []
  const ids = jsonRowsSelect(
    provider,
    [['click_id', 'text']],
    clickIds.map((id) => [id]),
  )
  // The click's offer's network, in the same statement: a click on another network's offer is flagged.
  const rows = await db.query<{
    click_id: string
    partner_id: number | bigint | null
    assignment_id: number | bigint | null
    kind: string
    network_id: number | bigint | null
  }>(sql`
    SELECT m.click_id, m.partner_id, m.assignment_id, m.kind, o.network_id FROM (${ids}) AS c
    JOIN metric_events m ON m.click_id = c.click_id LEFT JOIN offers o ON o.id = m.offer_id`)
  return rows.map((c) => ({
    clickId: c.click_id,
    partnerId: c.partner_id === null ? null : Number(c.partner_id),
    assignmentId: c.assignment_id === null ? null : Number(c.assignment_id),
    kind: c.kind,
    networkId: c.network_id === null ? null : Number(c.network_id),
  }))
}

/** Those of these partner ids that exist. */
export async function existingPartnerIds(db: SqlRunner, provider: Provider, partnerIds: readonly number[]): Promise<Set<number>> {
  if (partnerIds.length === 0) return new Set()
  const ids = jsonRowsSelect(
    provider,
    [['id', 'int']],
    partnerIds.map((id) => [id]),
  )
  const rows = await db.query<{ id: number | bigint }>(sql`SELECT p.id FROM (${ids}) AS w JOIN partners p ON p.id = w.id`)
  return new Set(rows.map((p) => Number(p.id)))
}
