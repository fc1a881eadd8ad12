// Which group a rollup cell belongs to, for each way of grouping a report. A
// click's offer and network are its tracked link's; a conversion's too, and when
// the conversion has no known link, its partner and network are the entry's own.
import { isoDay } from '../format/dates.ts'

export const GROUP_BYS = [
  { key: 'day', label: 'Jour' },
  { key: 'partner', label: 'Partenaire' },
  { key: 'offer', label: 'Offre' },
  { key: 'network', label: 'Réseau' },
  { key: 'subid', label: 'Sub-id (lien)' },
  // The partners' own ?s1=, read from raw events (subid-report.ts).
  { key: 's1', label: 'Sub-id partenaire (s1)' },
] as const

export type GroupBy = (typeof GROUP_BYS)[number]['key']

export function isGroupBy(value: string): value is GroupBy {
  return GROUP_BYS.some((g) => g.key === value)
}

/** The key of the group with no partner, offer, network or link. */
export const NONE_KEY = 'none'

export interface LinkFacts {
  partnerId: number
  offerId: number
  networkId: number
}

export interface CellFacts {
  day?: Date
  assignmentId: number | null
  partnerId: number | null
  /** The reporting network (conversions only). */
  networkId?: number | null
}

const idKey = (id: number | null | undefined) => (id === null || id === undefined ? NONE_KEY : String(id))

/** The group key of a cell: an ISO day, an id as text, or NONE_KEY. */
export function groupKeyOf(groupBy: GroupBy, cell: CellFacts, links: ReadonlyMap<number, LinkFacts>): string {
  const link = cell.assignmentId === null ? undefined : links.get(cell.assignmentId)
  switch (groupBy) {
    case 'day':
      if (!cell.day) throw new Error('a day grouping needs cells by day')
      return isoDay(cell.day)
    case 'partner':
      return idKey(cell.partnerId ?? link?.partnerId)
    case 'subid':
      return idKey(cell.assignmentId)
    case 's1':
      throw new Error('an s1 report groups its own cells (subid-report.ts)')
    case 'offer':
      return idKey(link?.offerId)
    case 'network':
      return idKey(link ? link.networkId : cell.networkId)
  }
}
